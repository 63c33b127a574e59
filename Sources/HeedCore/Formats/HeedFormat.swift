/// heed's own JSON Lines format (see docs/formats.md).
struct HeedFormat: MentionFormat {
    let name = "heed"
    let summary = "heed's own JSON Lines: one mention an object (channel, id, text, created_at, author, …)"

    func recognises(_ document: JSONNode) -> Bool {
        document["channel"] != nil && document["author"] != nil && document["id"] != nil
    }

    func records(in document: JSONNode, context: FormatContext) -> [FormatRecord] {
        [HeedJSONLines.record(document, isKnownChannel: context.isKnownChannel)]
    }
}
