@testable import Inventory
import Testing

@Suite("Python packages")
struct PythonPackageTests {
    @Test("metadata paths trivy reads", arguments: [
        ("usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA", true),
        ("usr/local/lib/python3.11/site-packages/pip-23.0.dist-info/METADATA", true),
        ("usr/lib/python3/dist-packages/six-1.16.0.egg-info", true),
        ("usr/lib/python3/dist-packages/chardet-5.1.0.egg-info/PKG-INFO", true),
        ("opt/eggs/kitchen-1.2.6-py2.7.egg/EGG-INFO/PKG-INFO", true),
        ("usr/lib/python3/dist-packages/requests-2.28.1.dist-info/RECORD", false),
        ("docs/METADATA", false),
        ("usr/lib/python3/dist-packages/foo.egg-info/SOURCES.txt", false),
        ("PKG-INFO", false),
        ("x.dist-info/METADATA.bak", false),
    ])
    func paths(_ path: String, _ expected: Bool) {
        #expect(PythonMetadata.isMetadataPath(path) == expected)
    }

    @Test("license sources in trivy's order of preference", arguments: [
        // License-Expression wins.
        ("Metadata-Version: 2.4\nName: iniconfig\nVersion: 2.0.0\nLicense-Expression: MIT\nLicense: Other\n", ["MIT"]),
        // Classifiers win over License; the bare "OSI Approved" grouping is skipped.
        ("Name: pyphen\nVersion: 0.14.0\nLicense: GPL and LGPL and MPL\n"
            + "Classifier: License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)\n"
            + "Classifier: License :: OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)\n"
            + "Classifier: License :: OSI Approved :: Mozilla Public License 1.1 (MPL 1.1)\n"
            + "Classifier: Programming Language :: Python\n",
         ["GNU General Public License v2 or later (GPLv2+)", "GNU Lesser General Public License v2 or later (LGPLv2+)",
          "Mozilla Public License 1.1 (MPL 1.1)"]),
        ("Name: asyncssh\nVersion: 2.14.2\nLicense: Eclipse Public License v2.0\nClassifier: License :: OSI Approved\n",
         ["Eclipse Public License v2.0"]),
        ("Name: zipp\nVersion: 3.12.1\nClassifier: License :: OSI Approved :: MIT License\n", ["MIT License"]),
        ("Name: setuptools\nVersion: 51.3.3\nLicense: UNKNOWN\n", ["UNKNOWN"]),
        ("Name: dual\nVersion: 1\nLicense: BSD 3-Clause License or Apache License, Version 2.0\n",
         ["BSD 3-Clause License", "Apache License, Version 2.0"]),
        ("Name: networkx\nVersion: 3.0\nLicense-File: LICENSE.txt\n", []),
        ("Name: simple\nVersion: 0.1.0\n", []),
    ])
    func licenses(_ text: String, _ expected: [String]) throws {
        let package = try PythonMetadata.parse(Array(text.utf8), filePath: "p/METADATA")
        #expect(package.licenses == expected)
    }

    @Test("name, version, path and purl of a real-world METADATA header")
    func package() throws {
        let text = """
            Metadata-Version: 2.1\r
            Name: Flask_SQLAlchemy\r
            Version: 3.0.3\r
            Summary: Add SQLAlchemy support to your Flask application.\r
            Description: first line\r
                    continued line\r
            License: BSD-3-Clause\r
            \r
            # Flask-SQLAlchemy\r
            Name: NotThis\r
            """
        let package = try PythonMetadata.parse(Array(text.utf8), filePath: "usr/lib/python3/site-packages/Flask_SQLAlchemy-3.0.3.dist-info/METADATA")
        #expect(package == Package(type: .python, name: "Flask_SQLAlchemy", version: "3.0.3", licenses: ["BSD-3-Clause"],
                                   purl: "pkg:pypi/flask-sqlalchemy@3.0.3",
                                   filePath: "usr/lib/python3/site-packages/Flask_SQLAlchemy-3.0.3.dist-info/METADATA"))
    }

    @Test("continuation lines are joined and header keys are case-insensitive")
    func headers() {
        let fields = PythonMetadata.headers(Array("NAME: a\nsummary: one\n  two\n\tthree\nVersion:1\n".utf8))
        #expect(fields.map(\.key) == ["name", "summary", "version"])
        #expect(fields.map(\.value) == ["a", "one two three", "1"])
    }

    @Test("reading stops at a malformed line and keeps what came before, like Go's textproto")
    func malformed() throws {
        let text = "Name: early\nVersion: 1.0\nthis line has no colon\nLicense: MIT\n"
        let package = try PythonMetadata.parse(Array(text.utf8), filePath: "x")
        #expect(package.version == "1.0")
        #expect(package.licenses.isEmpty)
        #expect(throws: PythonMetadataError.self) { try PythonMetadata.parse(Array("Name: a\nbad key: x\nVersion: 1\n".utf8), filePath: "x") }
    }

    @Test("missing name or version, empty, binary and leading-space input give errors, not crashes", arguments: [
        "Name: only\n", "Version: 1.0\n", "", "\n\nName: a\nVersion: 1\n", "  Name: a\nVersion: 1\n",
        "\u{0}\u{1}\u{2}\u{FF}", "Name:\nVersion:\n",
    ])
    func invalid(_ text: String) {
        #expect(throws: PythonMetadataError(message: "name or version is empty")) { try PythonMetadata.parse(Array(text.utf8), filePath: "x") }
    }

    @Test("invalid UTF-8 in values is replaced, not fatal")
    func invalidUTF8() throws {
        let bytes = Array("Name: caf".utf8) + [0xe9] + Array("\nVersion: 1.0\n".utf8)
        #expect(try PythonMetadata.parse(bytes, filePath: "x").name == "caf\u{FFFD}")
    }

    @Test("PEP 503 normalisation", arguments: [
        ("Flask_SQLAlchemy", "flask-sqlalchemy"), ("zope.interface", "zope-interface"), ("A-_.B", "a-b"),
        ("requests", "requests"), ("Pillow", "pillow"), ("ruamel.yaml.clib", "ruamel-yaml-clib"),
    ])
    func normalise(_ name: String, _ expected: String) {
        #expect(PythonMetadata.normalizedName(name) == expected)
    }

    @Test("purl names follow trivy (lower-case, underscores to dashes)", arguments: [
        ("Flask_SQLAlchemy", "flask-sqlalchemy"), ("zope.interface", "zope.interface"), ("PyYAML", "pyyaml"),
    ])
    func purlName(_ name: String, _ expected: String) {
        #expect(PythonMetadata.purlName(name) == expected)
    }

    @Test("license text is split as trivy splits it", arguments: [
        ("GPL-1+ or Artistic, and BSD-4-clause-POWERDOG", ["GPL-1+", "Artistic", "BSD-4-clause-POWERDOG"]),
        ("LGPLv3+_or_GPLv2+", ["LGPLv3+", "GPLv2+"]),
        ("GPL-1+,GPL-2", ["GPL-1+", "GPL-2"]),
        ("MIT OR Apache-2.0", ["MIT OR Apache-2.0"]),
        ("GNU Library or Lesser General Public License (LGPL)", ["GNU Library or Lesser General Public License (LGPL)"]),
        ("", []),
        (" , ", []),
    ])
    func split(_ text: String, _ expected: [String]) {
        #expect(LanguageLicense.split(text) == expected)
    }

    @Test("eggs: EGG-INFO/PKG-INFO is read from the zip as it streams by")
    func egg() throws {
        let archive = TestZip.build([TestZip.entry("kitchen/__init__.py", "x"),
                                     TestZip.entry("EGG-INFO/PKG-INFO", "Metadata-Version: 1.1\nName: kitchen\nVersion: 1.2.6\nLicense: LGPLv2+\n",
                                                   descriptor: true),
                                     TestZip.entry("EGG-INFO/top_level.txt", "kitchen\n")])
        var scanner = PythonEggScanner(filePath: "opt/kitchen-1.2.6-py2.7.egg")
        for byte in archive { scanner.feed([byte]) }
        let package = try #require(try scanner.finish())
        #expect(package.name == "kitchen")
        #expect(package.version == "1.2.6")
        #expect(package.licenses == ["LGPLv2+"])
        #expect(package.filePath == "opt/kitchen-1.2.6-py2.7.egg")
        #expect(PythonEggScanner.isEggPath("a/b.egg"))
        #expect(!PythonEggScanner.isEggPath("a/b.egg-info"))
        var empty = PythonEggScanner(filePath: "e.egg")
        empty.feed(TestZip.build([TestZip.entry("x.py", "1")]))
        #expect(try empty.finish() == nil)
        var broken = PythonEggScanner(filePath: "b.egg")
        broken.feed(pseudoBytes(100))
        #expect(throws: PythonMetadataError.self) { try broken.finish() }
    }
}
