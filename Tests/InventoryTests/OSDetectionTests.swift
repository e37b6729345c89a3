import Foundation
import Inventory
import MoatTesting
import Testing

@Suite("OS detection")
struct OSDetectionTests {
    /// Expected family and version for each real os-release file in ../shared/testdata/os-release.
    static let expected: [(String, DetectedOS?)] = [
        ("activestate", DetectedOS(family: "activestate", name: "1.0")),
        ("alma", DetectedOS(family: "alma", name: "9.4")),
        ("alpine", DetectedOS(family: "alpine", name: "3.15.4")),
        ("azurelinux-3.0", DetectedOS(family: "azurelinux", name: "3.0")),
        ("bottlerocket", DetectedOS(family: "bottlerocket", name: "1.34.0")),
        ("centos", DetectedOS(family: "centos", name: "7")),
        ("centos-stream", DetectedOS(family: "centos", name: "8")),
        ("coreos", DetectedOS(family: "coreos", name: "3.15.4")),
        ("echo", DetectedOS(family: "echo", name: "1")),
        ("fedora", DetectedOS(family: "fedora", name: "42")),
        ("mariner-1.0", DetectedOS(family: "cbl-mariner", name: "1.0")),
        ("mariner-2.0", DetectedOS(family: "cbl-mariner", name: "2.0")),
        ("minimos", DetectedOS(family: "minimos", name: "20241031")),
        ("no-id", nil),
        ("no-version", nil),
        ("opensuseleap-15.2.1", DetectedOS(family: "opensuse.leap", name: "15.2.1")),
        ("opensuseleap-42.3", DetectedOS(family: "opensuse.leap", name: "42.3")),
        ("opensusetumbleweed", DetectedOS(family: "opensuse.tumbleweed", name: "20220412")),
        ("oracle", DetectedOS(family: "oracle", name: "8.10")),
        ("photon", DetectedOS(family: "photon", name: "4.0")),
        ("rhel", DetectedOS(family: "redhat", name: "9.4")),
        ("rocky", DetectedOS(family: "rocky", name: "9.3")),
        ("slemicro", DetectedOS(family: "suse linux enterprise micro", name: "5.3")),
        ("slemicro-rancher", DetectedOS(family: "suse linux enterprise micro", name: "5.4")),
        ("slemicro6.0", DetectedOS(family: "suse linux enterprise micro", name: "6.0")),
        ("sles", DetectedOS(family: "suse linux enterprise server", name: "15.3")),
        ("unknown", nil),
    ]

    @Test("every real os-release file in shared testdata is detected as trivy detects it")
    func realOSReleaseFiles() throws {
        let shared = try #require(TestEnvironment.sharedTestdata, Comment(rawValue: TestEnvironment.missingSharedMessage))
        let names = try FileManager.default.contentsOfDirectory(atPath: shared + "/os-release").sorted()
        #expect(names == Self.expected.map(\.0).sorted(), "a new os-release file needs an expectation here")
        for (name, expected) in Self.expected {
            let content = Array(try Data(contentsOf: URL(fileURLWithPath: shared + "/os-release/" + name)))
            #expect(OSDetector.detect(["etc/os-release": content]) == expected, "\(name)")
        }
    }

    @Test("debian and redhat are weak: Ubuntu's lsb-release beats debian_version, CentOS beats redhat-release")
    func weakFamilies() {
        let ubuntu = OSDetector.detect([
            "etc/debian_version": Array("bookworm/sid\n".utf8),
            "etc/lsb-release": Array("DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\n".utf8),
        ])
        #expect(ubuntu == DetectedOS(family: "ubuntu", name: "22.04"))
        let debian = OSDetector.detect(["etc/debian_version": Array("12.7\n".utf8),
                                        "etc/os-release": Array("ID=debian\nVERSION_ID=\"12\"\n".utf8)])
        #expect(debian == DetectedOS(family: "debian", name: "12.7"))
        let centos = OSDetector.detect(["etc/redhat-release": Array("CentOS Linux release 7.9.2009 (Core)\n".utf8),
                                        "etc/centos-release": Array("CentOS Linux release 7.9.2009 (Core)\n".utf8)])
        #expect(centos == DetectedOS(family: "centos", name: "7.9.2009"))
        let alpine = OSDetector.detect(["etc/alpine-release": Array("3.10.2\n".utf8)])
        #expect(alpine == DetectedOS(family: "alpine", name: "3.10.2"))
        let amazon = OSDetector.detect(["etc/system-release": Array("Amazon Linux release 2 (Karoo)\n".utf8)])
        #expect(amazon == DetectedOS(family: "amazon", name: "2 (Karoo)"))
        let ami = OSDetector.detect(["etc/system-release": Array("Amazon Linux AMI release 2018.03\n".utf8)])
        #expect(ami == DetectedOS(family: "amazon", name: "AMI release 2018.03"))
        #expect(OSDetector.detect([:]) == nil)
    }
}
