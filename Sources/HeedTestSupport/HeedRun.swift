import Foundation
import HeedCore

/// Runs the built `heed` binary as a user would, in a clean environment pointing at a test folder.
public struct HeedRun {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    /// `through` runs heed through another program first (`setpriv` to be another user).
    public static func run(_ arguments: [String], in folder: TemporaryFolder, stdin: String = "/dev/null",
                           environment extra: [String: String] = [:], through: [String] = []) throws -> HeedRun {
        var environment = [
            "HOME": folder.path, "XDG_CONFIG_HOME": folder.file("config-home"), "XDG_DATA_HOME": folder.file("data-home"),
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "LANG": "C.UTF-8", "COLUMNS": "100",
        ]
        environment.merge(extra) { $1 }
        let out = folder.file("heed.\(UUID().uuidString.prefix(6)).out")
        let err = out + ".err"
        let exit = try ChildProcess.spawn(through + [Paths.heedBinary] + arguments, stdin: stdin, stdout: out, stderr: err,
                                          environment: environment).wait()
        return HeedRun(status: exit.status,
                       stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                       stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }
}
