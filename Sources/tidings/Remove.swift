import ArgumentParser
struct Remove: ParsableCommand { func run() throws {} }
