/// Typed reads from a JSON tree that collect every problem (with line and path) instead of
/// stopping at the first, so `heed config check` can list them all at once.
struct ConfigReader {
    let file: String
    private(set) var problems: [ConfigProblem] = []

    init(file: String) { self.file = file }

    mutating func problem(_ node: JSONNode, _ path: String, _ message: String) {
        problems.append(ConfigProblem(file: file, line: node.line, path: path, message: message))
    }

    /// The members of an object, by key. Unknown keys are reported (they are usually typos),
    /// so are duplicates and missing required keys.
    mutating func fields(_ node: JSONNode, _ path: String, allowed: [String], required: [String] = []) -> [String: JSONNode]? {
        guard case .object(let members) = node.value else {
            problem(node, path, "expected an object, got \(node.value.typeName)")
            return nil
        }
        var result: [String: JSONNode] = [:]
        for member in members {
            let memberPath = join(path, member.key)
            if !allowed.contains(member.key) {
                let hint = Spelling.closest(to: member.key, in: allowed).map { " (did you mean \"\($0)\"?)" } ?? ""
                problem(member.value, memberPath, "unknown key \"\(member.key)\"\(hint)")
            } else if result[member.key] != nil {
                problem(member.value, memberPath, "duplicate key \"\(member.key)\"")
            } else {
                result[member.key] = member.value
            }
        }
        for key in required where result[key] == nil {
            problem(node, path, "missing required key \"\(key)\"")
        }
        return result
    }

    /// An object whose keys are free names (channels, action names), each value kept with its path.
    mutating func map(_ node: JSONNode, _ path: String) -> [(key: String, path: String, value: JSONNode)]? {
        guard case .object(let members) = node.value else {
            problem(node, path, "expected an object, got \(node.value.typeName)")
            return nil
        }
        return members.map { ($0.key, join(path, $0.key), $0.value) }
    }

    mutating func array(_ node: JSONNode, _ path: String) -> [(path: String, value: JSONNode)]? {
        guard case .array(let elements) = node.value else {
            problem(node, path, "expected an array, got \(node.value.typeName)")
            return nil
        }
        return elements.enumerated().map { ("\(path)[\($0.offset)]", $0.element) }
    }

    mutating func string(_ node: JSONNode, _ path: String, allowEmpty: Bool = false) -> String? {
        guard case .string(let text) = node.value else {
            problem(node, path, "expected a string, got \(node.value.typeName)")
            return nil
        }
        // Blank as Foundation's `.whitespaces` has it (spaces and tabs), scalar by scalar: trimming
        // went through NSString, a copy of every string of the config at every start.
        if !allowEmpty && text.unicodeScalars.allSatisfy({ $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }) {
            problem(node, path, "must not be empty")
            return nil
        }
        return text
    }

    /// One string or an array of strings.
    mutating func strings(_ node: JSONNode, _ path: String) -> [String]? {
        if case .string = node.value { return string(node, path).map { [$0] } }
        guard let elements = array(node, path) else { return nil }
        var result: [String] = []
        for element in elements {
            if let text = string(element.value, element.path) { result.append(text) }
        }
        return result
    }

    mutating func int(_ node: JSONNode, _ path: String, in range: ClosedRange<Int>) -> Int? {
        guard case .number(let raw) = node.value else {
            problem(node, path, "expected a whole number, got \(node.value.typeName)")
            return nil
        }
        guard let value = Int(raw) else {
            problem(node, path, "expected a whole number, got \(raw)")
            return nil
        }
        guard range.contains(value) else {
            problem(node, path, "\(value) is out of range \(range.lowerBound)…\(range.upperBound)")
            return nil
        }
        return value
    }

    mutating func double(_ node: JSONNode, _ path: String, in range: ClosedRange<Double>) -> Double? {
        guard let value = node.double else {
            problem(node, path, "expected a number, got \(node.value.typeName)")
            return nil
        }
        guard range.contains(value) else {
            problem(node, path, "\(value) is out of range \(range.lowerBound)…\(range.upperBound)")
            return nil
        }
        return value
    }

    mutating func bool(_ node: JSONNode, _ path: String) -> Bool? {
        guard let value = node.bool else {
            problem(node, path, "expected true or false, got \(node.value.typeName)")
            return nil
        }
        return value
    }

    /// One of a fixed set of words.
    mutating func choice<T: RawRepresentable>(_ node: JSONNode, _ path: String, _: T.Type) -> T?
    where T: CaseIterable, T.RawValue == String {
        guard let text = string(node, path) else { return nil }
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            problem(node, path, "\"\(text)\" is not one of \(allowed)")
            return nil
        }
        return value
    }

    private func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}
