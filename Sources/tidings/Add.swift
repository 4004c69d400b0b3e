import ArgumentParser
struct Add: ParsableCommand { func run() throws {} }
