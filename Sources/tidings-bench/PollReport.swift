import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The poll benchmark's figures as a table (terminal and Markdown alike),
/// a dated Markdown file with the versions and commands, and an SVG chart.
struct PollReport {
    let corpus: String
    let feeds: Int
    let rows: [PollBench.Row]
    let contenders: [Contender]
    let date = Date()

    /// Tidings' figure over the best (lowest) peer's in the same phase.
    func ratio(_ phase: Contender.Phase, _ value: (PollBench.Row) -> Double) -> String {
        let ours = rows.first { $0.tool == "Tidings" && $0.phase == phase }.map(value)
        let best = rows.filter { $0.tool != "Tidings" && $0.phase == phase }.map(value).min()
        guard let ours, let best, best > 0 else { return "" }
        return format(ours / best, 2) + "×"
    }

    func table() -> String {
        var lines = [
            "| phase | tool | CPU s | wall s | peak RSS MB | written MB | requests by status | CPU vs best peer | wall vs best peer | RSS vs best peer |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for phase in Contender.Phase.allCases {
            for row in rows where row.phase == phase {
                let isUs = row.tool == "Tidings"
                let byStatus = row.statuses.keys.sorted().map { "\($0): \(row.statuses[$0]!)" }.joined(separator: ", ")
                lines.append("| \(phaseLabel(phase)) | \(row.tool) | \(format(row.usage.cpu, 2)) | \(format(row.usage.wall, 2)) | "
                    + "\(format(row.usage.peakMegabytes, 0)) | \(format(Double(row.usage.writtenBytes) / 1e6, 1)) | \(byStatus) | "
                    + (isUs ? "\(ratio(phase, { $0.usage.cpu })) | \(ratio(phase, { $0.usage.wall })) | \(ratio(phase, { $0.usage.peakMegabytes })) |" : " | | |"))
            }
        }
        if let idle = rows.first(where: { $0.tool == "Tidings" && $0.phase == .idle }) {
            lines.append("")
            lines.append("Tidings idle: \(format(idle.usage.cpu * 1000 / Double(feeds), 3)) ms CPU a feed, "
                         + "\(format(Double(idle.usage.writtenBytes) / Double(feeds), 0)) bytes written a feed.")
        }
        return lines.joined(separator: "\n")
    }

    func phaseLabel(_ phase: Contender.Phase) -> String {
        switch phase {
        case .cold: "cold (empty state)"
        case .warm: "warm (10% changed)"
        case .idle: "idle (all 304)"
        }
    }

    var day: String { CorpusGenerator.formatter("yyyy-MM-dd").string(from: date) }

    /// Writes `poll-DATE-NNNN.md` and `.svg` into `directory`; returns their paths.
    func write(to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let base = directory + "/poll-\(day)-\(feeds)"
        let svgName = (base as NSString).lastPathComponent + ".svg"
        var text = "# Poll benchmark, \(day), \(feeds) feeds\n\n"
        text += "`tidings-bench poll --feeds \(feeds)` (`make bench`), one run: \(corpus).\n\n"
        text += "Machine: \(BenchMachine.description).\n\n"
        text += table() + "\n\n![CPU, wall time and peak memory per phase](\(svgName))\n\n"
        text += "CPU is user + system time of the process and every child it reaped (curl, sfeed), from wait4; "
            + "peak RSS is the largest single process's; written is what the process tree caused to be written to "
            + "storage (`ru_oublock`). Ratios are Tidings over the best peer in the same phase (lower is better).\n\n"
        text += "## Versions\n\n" + contenders.map { "- \($0.name): \($0.version)" }.joined(separator: "\n")
        text += "\n- nginx: \((try? Contender.packageVersion("nginx-light")) ?? (try? Contender.packageVersion("nginx")) ?? "?")\n\n"
        text += "## Commands\n\n"
        for contender in contenders {
            for phase in Contender.Phase.allCases {
                text += "- \(contender.name), \(phase): `\(contender.commands[phase]!.joined(separator: " "))`\n"
            }
        }
        try text.write(toFile: base + ".md", atomically: true, encoding: .utf8)
        try chart().write(toFile: base + ".svg", atomically: true, encoding: .utf8)
        return [base + ".md", base + ".svg"]
    }

    /// Three panels (CPU s, wall s, peak RSS MB), a group of bars per phase,
    /// one bar per tool, each labelled with its value.
    func chart() -> String {
        let tools = contenders.map(\.name)
        let colours = ["#1b6ca8", "#e07b39", "#4c9a2a", "#8e44ad"]
        let metrics: [(String, (PollBench.Row) -> Double, Int)] = [
            ("CPU seconds", { $0.usage.cpu }, 2), ("wall seconds", { $0.usage.wall }, 2), ("peak RSS, MB", { $0.usage.peakMegabytes }, 0),
        ]
        let panelWidth = 300.0, height = 300.0, top = 50.0, bottom = 40.0
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(panelWidth) * 3)" height="\(Int(height) + 30)" font-family="sans-serif" font-size="11">
            <rect width="100%" height="100%" fill="white"/>
            <text x="10" y="18" font-size="13">Poll benchmark, \(day): \(feeds) feeds (lower is better)</text>\n
            """
        for (i, tool) in tools.enumerated() {
            let x = 10.0 + Double(i) * 110
            svg += "<rect x=\"\(x)\" y=\"\(height + 12)\" width=\"10\" height=\"10\" fill=\"\(colours[i % colours.count])\"/>"
            svg += "<text x=\"\(x + 14)\" y=\"\(height + 21)\">\(tool)</text>\n"
        }
        for (m, metric) in metrics.enumerated() {
            let x0 = Double(m) * panelWidth
            let maxValue = max(rows.map(metric.1).max() ?? 1, 0.001)
            let plotHeight = height - top - bottom
            svg += "<text x=\"\(x0 + 20)\" y=\"38\" font-weight=\"bold\">\(metric.0)</text>\n"
            svg += "<line x1=\"\(x0 + 20)\" y1=\"\(height - bottom)\" x2=\"\(x0 + panelWidth - 10)\" y2=\"\(height - bottom)\" stroke=\"#444\"/>\n"
            let groupWidth = (panelWidth - 40) / Double(Contender.Phase.allCases.count)
            let barWidth = (groupWidth - 12) / Double(max(tools.count, 1))
            for (p, phase) in Contender.Phase.allCases.enumerated() {
                let gx = x0 + 24 + Double(p) * groupWidth
                svg += "<text x=\"\(gx + (groupWidth - 12) / 2)\" y=\"\(height - bottom + 14)\" text-anchor=\"middle\">\(phase)</text>\n"
                for (t, tool) in tools.enumerated() {
                    guard let row = rows.first(where: { $0.tool == tool && $0.phase == phase }) else { continue }
                    let value = metric.1(row)
                    let h = max(plotHeight * value / maxValue, 0.5)
                    let bx = gx + Double(t) * barWidth
                    let y = height - bottom - h
                    svg += "<rect x=\"\(format(bx, 1))\" y=\"\(format(y, 1))\" width=\"\(format(barWidth - 2, 1))\" height=\"\(format(h, 1))\" fill=\"\(colours[t % colours.count])\"><title>\(tool) \(phase): \(format(value, metric.2))</title></rect>"
                    svg += "<text x=\"\(format(bx + (barWidth - 2) / 2, 1))\" y=\"\(format(y - 3, 1))\" text-anchor=\"middle\" font-size=\"9\">\(format(value, value < 10 && metric.2 == 0 ? 1 : metric.2))</text>\n"
                }
            }
        }
        return svg + "</svg>\n"
    }
}

/// The machine a benchmark ran on, in one line.
enum BenchMachine {
    static var description: String {
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let fileSystem = (try? Contender.output("/usr/bin/findmnt", ["-no", "FSTYPE", "-T", NSTemporaryDirectory()])) ?? "?"
        return "\(ProcessInfo.processInfo.activeProcessorCount) cores, "
            + "\(ProcessInfo.processInfo.physicalMemory >> 30) GiB, Linux \(release), \(fileSystem) at \(NSTemporaryDirectory())"
    }
}
