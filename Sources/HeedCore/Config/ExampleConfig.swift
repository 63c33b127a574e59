/// The example config (`config.example.json` at the package root), built into heed: the demo
/// runs on it, so the example is exercised every time someone tries heed.
public enum ExampleConfig {
    public static var text: String { String(decoding: PackageResources.config_example_json, as: UTF8.self) }

    public static func load() throws -> Config {
        switch ConfigLoader.parse(text, file: "config.example.json") {
        case .success(let config): return config
        case .failure(let error): throw HeedError("the built-in example config is invalid:\n\(error)")
        }
    }
}
