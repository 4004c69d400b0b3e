import ArgumentParser
struct List: ParsableCommand { func run() throws {} }
