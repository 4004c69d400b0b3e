import Foundation

/// A JSON Schema (2020-12) validator for the keywords our schemas use:
/// type, properties, required, additionalProperties, items, enum, const,
/// pattern, minLength, minimum, format "date-time"/"uri", and local `$ref`.
/// A keyword it does not know makes validation fail loudly rather than pass
/// silently, so the schema cannot outgrow the checker unnoticed.
public struct JSONSchemaValidator {
    private let root: [String: Any]
    private static let known: Set<String> = [
        "$schema", "$id", "$defs", "$ref", "$comment", "title", "description", "type", "properties",
        "required", "additionalProperties", "items", "enum", "const", "pattern", "minLength",
        "minimum", "format", "examples",
    ]

    public init(schemaAt path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TestServerError("schema is not an object")
        }
        root = object
    }

    /// Every violation, as `path: problem`; empty when the value is valid.
    public func errors(for value: Any) -> [String] {
        var out: [String] = []
        check(value, against: root, at: "$", into: &out)
        return out
    }

    private func check(_ value: Any, against schema: [String: Any], at path: String, into out: inout [String]) {
        for key in schema.keys where !Self.known.contains(key) { out.append("\(path): schema keyword \(key) unsupported") }
        if let ref = schema["$ref"] as? String {
            guard ref.hasPrefix("#/$defs/"), let defs = root["$defs"] as? [String: Any],
                  let target = defs[String(ref.dropFirst(8))] as? [String: Any] else {
                out.append("\(path): unresolvable $ref \(ref)")
                return
            }
            check(value, against: target, at: path, into: &out)
        }
        if let type = schema["type"] {
            let allowed = (type as? [String]) ?? [(type as? String) ?? ""]
            if !allowed.contains(where: { Self.matches(value, type: $0) }) {
                out.append("\(path): expected \(allowed.joined(separator: "|")), got \(Self.describe(value))")
                return
            }
        }
        if let options = schema["enum"] as? [Any], !options.contains(where: { Self.equal($0, value) }) {
            out.append("\(path): not one of the allowed values")
        }
        if let constant = schema["const"], !Self.equal(constant, value) { out.append("\(path): not the constant value") }
        if let s = value as? String {
            if let min = schema["minLength"] as? Int, s.count < min { out.append("\(path): shorter than \(min)") }
            if let pattern = schema["pattern"] as? String,
               s.range(of: pattern, options: .regularExpression) == nil { out.append("\(path): does not match \(pattern)") }
            if schema["format"] as? String == "date-time",
               s.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"#, options: .regularExpression) == nil {
                out.append("\(path): not an RFC 3339 date-time")
            }
            if schema["format"] as? String == "uri", s.range(of: #"^[A-Za-z][A-Za-z0-9+.-]*:"#, options: .regularExpression) == nil {
                out.append("\(path): not an absolute URI")
            }
        }
        if let n = value as? NSNumber, !(value is Bool), let min = schema["minimum"] as? NSNumber, n.doubleValue < min.doubleValue {
            out.append("\(path): below \(min)")
        }
        if let object = value as? [String: Any] {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                out.append("\(path): missing required key \(key)")
            }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (key, child) in object {
                if let sub = properties[key] as? [String: Any] {
                    check(child, against: sub, at: "\(path).\(key)", into: &out)
                } else if schema["additionalProperties"] as? Bool == false {
                    out.append("\(path): unexpected key \(key)")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (i, element) in array.enumerated() { check(element, against: items, at: "\(path)[\(i)]", into: &out) }
        }
    }

    private static func matches(_ v: Any, type: String) -> Bool {
        switch type {
        case "null": return v is NSNull
        case "object": return v is [String: Any]
        case "array": return v is [Any]
        case "string": return v is String
        case "boolean": return isBool(v)
        case "integer":
            guard let n = v as? NSNumber, !isBool(v) else { return false }
            return n.doubleValue == n.doubleValue.rounded()
        case "number": return v is NSNumber && !isBool(v)
        default: return false
        }
    }

    private static func isBool(_ v: Any) -> Bool {
        guard let n = v as? NSNumber else { return false }
        let code = String(cString: n.objCType)
        return code == "c" || code == "B"  // how Foundation tags a JSON true/false
    }

    private static func equal(_ a: Any, _ b: Any) -> Bool {
        if let x = a as? String, let y = b as? String { return x == y }
        if let x = a as? NSNumber, let y = b as? NSNumber { return x == y }
        return a is NSNull && b is NSNull
    }

    private static func describe(_ v: Any) -> String {
        for t in ["null", "boolean", "integer", "number", "string", "array", "object"] where matches(v, type: t) { return t }
        return "unknown"
    }
}
