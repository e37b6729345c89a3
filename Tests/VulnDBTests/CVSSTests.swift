import Testing
import VulnDB

@Suite("CVSS")
struct CVSSTests {
    /// The worked examples of the FIRST "CVSS v3.1 Examples" document (vector → base score).
    @Test("v3.1 base scores of the specification's examples", arguments: [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),  // CVE-2013-1937 phpMyAdmin reflected XSS
        ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4),  // CVE-2013-0375 MySQL stored SQL injection
        ("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1),  // CVE-2014-3566 SSLv3 POODLE
        ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9),  // CVE-2012-1516 VMware guest to host escape
        ("CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", 4.2),  // CVE-2009-0783 Apache Tomcat XML parser
        ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8),  // CVE-2012-0384 Cisco IOS
        ("CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8),  // CVE-2015-1098 Apple iWork
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5),  // CVE-2014-0160 OpenSSL Heartbleed
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),  // CVE-2014-6271 GNU Bash Shellshock
        ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 6.8),  // CVE-2008-1447 DNS Kaminsky
        ("CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 6.8),  // CVE-2014-2005 Sophos login screen bypass
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 5.8),  // CVE-2010-0467 Joomla directory traversal
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:L/A:N", 5.8),  // CVE-2012-1342 Cisco ASR ACL bypass
    ])
    func v31(vector: String, expected: Double) throws {
        let parsed = try CVSS.parse(vector)
        #expect(parsed.version == .v3_1)
        #expect(parsed.baseScore == expected)
    }

    @Test("v3.0 vectors use the same formula (Heartbleed, Shellshock) and no-impact vectors score 0")
    func v30() throws {
        #expect(try CVSS.parse("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N").baseScore == 7.5)
        #expect(try CVSS.parse("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").baseScore == 9.8)
        #expect(try CVSS.parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N").baseScore == 0)
        #expect(try CVSS.parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N").baseSeverity == nil)
    }

    @Test("the v3.1 Roundup of Appendix A")
    func roundUp() {
        #expect(CVSS.roundUpV31(4.02) == 4.1)
        #expect(CVSS.roundUpV31(4.00) == 4.0)
        #expect(CVSS.roundUpV31(4.000_000_000_000_001) == 4.0)  // binary noise does not push it up
        #expect(CVSS.roundUpV30(4.02) == 4.1)
    }

    /// The three examples of the CVSS v2 guide, section 3.3.
    @Test("v2 base scores of the specification's examples", arguments: [
        ("AV:N/AC:L/Au:N/C:N/I:N/A:C", 7.8),   // CVE-2002-0392 Apache chunked encoding
        ("AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0),  // CVE-2003-0818 Microsoft Windows ASN.1
        ("AV:L/AC:H/Au:N/C:C/I:C/A:C", 6.2),   // CVE-2003-0062 NOD32 antivirus
    ])
    func v2(vector: String, expected: Double) throws {
        let parsed = try CVSS.parse(vector)
        #expect(parsed.version == .v2)
        #expect(parsed.baseScore == expected)
    }

    @Test("v2 vectors in parentheses, with CVSS:2.0/ or with temporal metrics parse; NVD bands")
    func v2Forms() throws {
        #expect(try CVSS.parse("(AV:N/AC:L/Au:N/C:P/I:P/A:P)").baseScore == 7.5)
        #expect(try CVSS.parse("AV:N/AC:M/Au:N/C:P/I:N/A:N/E:POC/RL:OF/RC:C").baseScore == 4.3)
        #expect(try CVSS.parse("AV:N/AC:M/Au:N/C:P/I:N/A:N").baseSeverity == .medium)
        #expect(try CVSS.parse("AV:N/AC:L/Au:N/C:C/I:C/A:C").baseSeverity == .high)
        #expect(CVSS.severityV2(score: 3.9) == .low)
        let prefixed = try CVSS.parse("CVSS:2.0/AV:N/AC:L/Au:N/C:C/I:C/A:P")
        #expect(prefixed.version == .v2)
        // v2 scores use NVD's v2 bands (no CRITICAL), whatever the spelling of the vector.
        #expect(CVSSScore(vector: prefixed.text, score: prefixed.baseScore).severity == .high)
        #expect(CVSSScore(vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", score: 9.8).severity == .critical)
    }

    @Test("v3 severity bands")
    func bands() {
        #expect(CVSS.severityV3(score: 0.1) == .low)
        #expect(CVSS.severityV3(score: 3.9) == .low)
        #expect(CVSS.severityV3(score: 4.0) == .medium)
        #expect(CVSS.severityV3(score: 6.9) == .medium)
        #expect(CVSS.severityV3(score: 7.0) == .high)
        #expect(CVSS.severityV3(score: 8.9) == .high)
        #expect(CVSS.severityV3(score: 9.0) == .critical)
    }

    @Test("v4 vectors are parsed, validated and scored (threat metrics included)")
    func v4() throws {
        let vector = try CVSS.parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/U:Red")
        #expect(vector.version == .v4_0)
        #expect(vector.metrics["VC"] == "H")
        #expect(vector.baseScore == 9.3)
        #expect(throws: CVSS.ParseError.self) { try CVSS.parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N") }
    }

    @Test("invalid vectors give errors that say what is wrong", arguments: [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "missing base metric(s) A"),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:L", "metric AV given twice"),
        ("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "metric AV has invalid value 'X'"),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1", "unknown metric 'ZZ'"),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", "'' is not METRIC:VALUE"),
        ("CVSS:9.9/AV:N", "unsupported CVSS version"),
        ("", "'' is not METRIC:VALUE"),
    ])
    func invalid(vector: String, reason: String) {
        #expect {
            try CVSS.parse(vector)
        } throws: { error in
            (error as? CVSS.ParseError)?.reason == reason
        }
    }

    @Test("an overlong vector is refused")
    func overlong() {
        #expect(throws: CVSS.ParseError.self) { try CVSS.parse(String(repeating: "AV:N/", count: 200)) }
    }
}
