/// The words of the mentions in a PostgreSQL copy, found as the cache's full-text index finds
/// them: SQLite's `unicode61` tokenizer with `remove_diacritics 2` splits text at every character
/// that is not a letter or a digit, folds case, and drops the accents of Latin letters.
/// PostgreSQL's own parser reads an address or a link as one token (`joe@bank.com`) and its
/// `unaccent` folds `ß` to `ss`, so the text is brought to the same words first and then read with
/// the `simple` configuration, which only folds case: `bank` then finds `joe@bank.com` on both
/// engines, and `straße` only `straße`. Nothing beyond what PostgreSQL ships is needed (no extension).
enum PostgresWords {
    /// Each mention's words, kept in a column of their own (`words`) as its text is written, and
    /// the functions a search shares with it. Made before the rows come: a stored column added
    /// after them would write the table again. The words are then read, not worked out again at
    /// every test of a mention, which took 22 µs each.
    static let column = [
        // Decomposed, a Latin letter's accents are marks after it; other scripts keep theirs
        // (`й` stays `й`, as in the cache), so the text is composed again before it is split.
        """
        CREATE FUNCTION heed_word_text(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT regexp_replace(normalize(regexp_replace(normalize($1, NFD), '([A-Za-z])[\\u0300-\\u036f]+', '\\1', 'g'), NFC),
                                  '[^[:alnum:]]+', ' ', 'g')
        $$
        """,
        "CREATE FUNCTION heed_words(text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT to_tsvector('simple'::regconfig, heed_word_text($1)) $$",
        "CREATE FUNCTION heed_phrase(text) RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT phraseto_tsquery('simple'::regconfig, heed_word_text($1)) $$",
        "ALTER TABLE mention ADD COLUMN words tsvector GENERATED ALWAYS AS (heed_words(text)) STORED",
    ]

    /// Their GIN index, made once the rows are in.
    static let index = "CREATE INDEX mention_words ON mention USING gin (words)"

    /// Every word of the mentions and in how many it is, as the cache's index counts them
    /// (`mention_words`, copied from it): what a search that found nothing may have meant
    /// (`SearchSuggestion`). Compared byte for byte, as SQLite compares them, whatever the
    /// database's collation.
    static let vocabulary = "CREATE TABLE mention_vocabulary (term text COLLATE \"C\" PRIMARY KEY, doc bigint NOT NULL)"

    /// What it is copied from: FTS5's table of the words (`fts5vocab`), read in term order a page
    /// at a time (a cache of varied text holds hundreds of thousands of words).
    static let cacheVocabulary = StoreTable(name: "mention_words", columns: [.init(name: "term", kind: .text, notNull: true),
                                                                             .init(name: "doc", kind: .integer, notNull: true)],
                                            primaryKey: ["term"], withoutRowid: true)

    /// Whether the copy has the vocabulary: one made by an earlier heed has not.
    static let vocabularyPresentSQL = "SELECT count(*) FROM pg_class WHERE oid = to_regclass('mention_vocabulary')"

    /// Whether the copy has the words: one made by an earlier heed has not.
    static let presentSQL = "SELECT count(*) FROM pg_attribute WHERE attrelid = 'mention'::regclass AND attname = 'words' AND NOT attisdropped"

    /// A mention `tm` says the words or phrases of each group (of `groupSizes`): a group's joined
    /// by OR, the groups by AND, one argument each.
    static func matchSQL(_ groupSizes: [Int]) -> String {
        let groups = groupSizes.map { count in "(" + Array(repeating: "heed_phrase(?)", count: count).joined(separator: " || ") + ")" }
        return "tm.words @@ (" + groups.joined(separator: " && ") + ")"
    }
}
