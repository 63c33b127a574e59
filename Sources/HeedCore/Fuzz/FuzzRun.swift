import Foundation

/// Feeds corrupted variants of real payloads through the whole reading pipeline and checks
/// what comes out: never a crash, every problem a rejection with a line inside the file or a
/// clear `HeedError`, and the uncorrupted payload read cleanly.
public struct FuzzRun {
    public struct Failure: Error, CustomStringConvertible {
        public var payload: String
        public var seed: UInt64
        public var iteration: Int
        public var problem: String
        public var description: String { "\(payload), seed \(seed), variant \(iteration): \(problem)" }
    }

    public var iterations: Int
    public var seed: UInt64
    /// Where each variant is written (one file, rewritten).
    public var scratch: String
    /// Told how many variants are done, every `progressEvery` and at the end.
    public var onProgress: ((Int) -> Void)?
    public var progressEvery = 5_000

    public init(iterations: Int, seed: UInt64, scratch: String) {
        self.iterations = iterations
        self.seed = seed
        self.scratch = scratch
    }

    /// Runs the variants of one payload; returns how many records and rejections they gave.
    @discardableResult
    public func run(payload path: String, format: (any MentionFormat)? = nil) throws -> (mentions: Int, rejections: Int, refused: Int) {
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        var mutator = Mutator(seed: seed)
        var totals = (mentions: 0, rejections: 0, refused: 0)
        for iteration in 0..<iterations {
            if iteration > 0 && iteration % progressEvery == 0 { onProgress?(iteration) }
            let variant = mutator.mutate(original)
            guard FileManager.default.createFile(atPath: scratch, contents: Data(variant)) else {
                throw HeedError("cannot write the variant to \(scratch)", .cannotWrite)
            }
            let lines = variant.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            do {
                let (_, records) = try ImportReader.read(path: scratch, format: format)
                for record in records {
                    switch record {
                    case .mention: totals.mentions += 1
                    case .rejected(let rejection):
                        totals.rejections += 1
                        guard rejection.line >= 1, rejection.line <= lines + 1 else {
                            throw Failure(payload: path, seed: seed, iteration: iteration, problem: "rejection at line \(rejection.line) of \(lines): \(rejection)")
                        }
                        guard !rejection.reason.isEmpty else {
                            throw Failure(payload: path, seed: seed, iteration: iteration, problem: "a rejection without a reason")
                        }
                    }
                }
            } catch let error as HeedError {
                guard error.kind == .badData || error.kind == .unreadable, !error.message.isEmpty else {
                    throw Failure(payload: path, seed: seed, iteration: iteration, problem: "unexpected error \(error)")
                }
                totals.refused += 1
            }
        }
        onProgress?(iterations)
        return totals
    }
}
