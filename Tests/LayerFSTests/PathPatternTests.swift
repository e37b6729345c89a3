import LayerFS
import Testing

@Suite("PathPattern")
struct PathPatternTests {
    @Test("whole-path matching", arguments: [
        ("usr/lib/python3/**", "usr/lib/python3/dist-packages/x/METADATA", true),
        ("**/node_modules", "app/web/node_modules", true),
        ("**/node_modules", "node_modules", true),
        ("/app/*.jar", "app/service.jar", true),
        ("/app/*.jar", "app/lib/service.jar", false),
        ("app/?.txt", "app/a.txt", true),
        ("app/?.txt", "app/ab.txt", false),
        ("./etc/passwd", "etc/passwd", true),
        ("etc", "etc/passwd", false),
    ])
    func matches(_ pattern: String, _ path: String, _ expected: Bool) {
        #expect(PathPattern(pattern).matches(path) == expected)
    }

    @Test("directory matching covers everything below", arguments: [
        ("**/node_modules", "app/node_modules/lodash/package.json", true),
        ("usr/share/doc", "usr/share/doc/bash/README", true),
        ("usr/share/doc", "usr/share/docs/x", false),
        ("/opt/*", "opt/app/bin/server", true),
    ])
    func directories(_ pattern: String, _ path: String, _ expected: Bool) {
        #expect(PathPattern(pattern).matchesDirectoryOrBelow(path) == expected)
    }
}
