import Foundation

/// Where tests find real images and shared data, with clear messages when they are absent.
public enum TestEnvironment {
    /// The package root (two levels above this file's Sources/MoatTesting).
    public static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// `../shared/testdata` beside the project.
    public static var sharedTestdata: String? {
        let path = URL(fileURLWithPath: packageRoot).deletingLastPathComponent().appendingPathComponent("shared/testdata").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Images built from Debian packages by scripts/build-test-images.sh (`MOAT_TEST_IMAGES`, else `.build-images`).
    public static var testImages: String? {
        let path = ProcessInfo.processInfo.environment["MOAT_TEST_IMAGES"] ?? packageRoot + "/.build-images"
        return FileManager.default.fileExists(atPath: path + "/minbase.oci/index.json") ? path : nil
    }

    public static let missingImagesMessage =
        "real test images are missing: run scripts/build-test-images.sh (scripts/test.sh does it) or set MOAT_TEST_IMAGES"
    public static let missingSharedMessage = "../shared/testdata is absent: the tests that read real shared data cannot run"

    /// The built `moat` binary next to the test bundle.
    /// `MOAT_BINARY`, else the `moat` built beside the running test bundle (whatever the scratch path), else .build/debug.
    public static var moatBinary: String? {
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["MOAT_BINARY"] { candidates.append(explicit) }
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("moat").path)
            directory = directory.deletingLastPathComponent()
        }
        candidates.append(packageRoot + "/.build/debug/moat")
        return candidates.first { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && FileManager.default.isExecutableFile(atPath: path)
        }
    }
}
