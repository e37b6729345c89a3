import Foundation
import Testing
@testable import VulnDB

@Suite("CVSS4")
struct CVSS4Tests {
    /// Expected scores from an independent implementation: the Python `cvss` package 3.6
    /// (`CVSS4(vector).base_score`), for vectors generated to use every value of every metric, base only (B),
    /// with exploit maturity (BT), with environmental metrics (BE) and with both (BTE), some with supplemental
    /// metrics. The comment gives the nomenclature.
    @Test("v4.0 scores match the reference implementation", arguments: [
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0),  // B
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3),  // B
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", 6.9),  // B
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0),  // B
        ("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", 1.0),  // B
        ("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:N/VI:N/VA:N/SC:L/SI:N/SA:N/E:U", 0.1),  // BT
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/U:Red", 9.3),  // BT
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", 8.1),  // BT
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P", 8.9),  // BT
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/CR:X/IR:X/AR:X/MAV:X/MSI:X", 9.3),  // BTE
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/MSI:S", 8.9),  // BE
        ("CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/MSA:S/CR:L/IR:L/AR:L", 7.7),  // BE
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:L/IR:L/AR:L/MAV:P/MAC:H/MAT:P/MPR:H/MUI:A/MVC:L/MVI:L/MVA:L/MSC:L/MSI:L/MSA:L", 1.0),  // BE
        ("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:U/MAV:N/MAC:L/MAT:N/MPR:N/MUI:N/MVC:H/MVI:H/MVA:H/MSC:H/MSI:S/MSA:S", 9.5),  // BTE
        ("CVSS:4.0/AV:A/AC:H/AT:N/PR:L/UI:P/VC:H/VI:L/VA:L/SC:L/SI:L/SA:N/E:P/CR:M/IR:H/AR:M/S:P/AU:Y/R:I/V:C/RE:H/U:Amber", 0.7),  // BTE
        ("CVSS:4.0/AV:L/AC:L/AT:P/PR:N/UI:A/VC:N/VI:H/VA:N/SC:N/SI:N/SA:H/CR:H/IR:M/AR:L/MVI:L/MSA:N", 1.8),  // BE
        ("CVSS:4.0/AV:A/AC:L/AT:P/PR:L/UI:N/VC:H/VI:N/VA:L/SC:H/SI:N/SA:L/S:N/AU:N/R:X/RE:L/U:Clear", 7.0),  // B
        ("CVSS:4.0/AV:L/AC:H/AT:P/PR:L/UI:P/VC:L/VI:N/VA:N/SC:L/SI:L/SA:H/S:X/AU:X/RE:H", 2.1),  // B
        ("CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:L/VA:N/SC:H/SI:N/SA:L", 8.4),  // B
        ("CVSS:4.0/AV:L/AC:H/AT:P/PR:L/UI:A/VC:H/VI:N/VA:H/SC:L/SI:N/SA:L", 4.4),  // B
        ("CVSS:4.0/AV:P/AC:H/AT:N/PR:H/UI:P/VC:H/VI:L/VA:H/SC:N/SI:N/SA:L", 4.6),  // B
        ("CVSS:4.0/AV:A/AC:H/AT:N/PR:H/UI:N/VC:N/VI:H/VA:H/SC:N/SI:N/SA:H", 6.9),  // B
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:P/VC:H/VI:H/VA:L/SC:H/SI:N/SA:H", 9.2),  // B
        ("CVSS:4.0/AV:A/AC:H/AT:N/PR:N/UI:P/VC:N/VI:N/VA:H/SC:N/SI:L/SA:N", 5.9),  // B
        ("CVSS:4.0/AV:L/AC:H/AT:N/PR:H/UI:N/VC:L/VI:N/VA:H/SC:N/SI:L/SA:H/R:A/V:X/RE:X", 6.9),  // B
        ("CVSS:4.0/AV:A/AC:H/AT:P/PR:H/UI:P/VC:H/VI:H/VA:L/SC:H/SI:N/SA:N/R:U/U:Amber", 6.7),  // B
        ("CVSS:4.0/AV:P/AC:H/AT:P/PR:L/UI:P/VC:L/VI:N/VA:N/SC:N/SI:L/SA:L", 1.0),  // B
        ("CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:P/VC:H/VI:H/VA:N/SC:H/SI:L/SA:N/AU:X/R:I/RE:M", 8.5),  // B
        ("CVSS:4.0/AV:P/AC:L/AT:N/PR:L/UI:P/VC:N/VI:N/VA:L/SC:N/SI:H/SA:L", 4.2),  // B
        ("CVSS:4.0/AV:P/AC:L/AT:P/PR:N/UI:A/VC:N/VI:H/VA:N/SC:N/SI:L/SA:H/E:A", 5.7),  // BT
        ("CVSS:4.0/AV:N/AC:H/AT:P/PR:L/UI:A/VC:L/VI:L/VA:N/SC:H/SI:N/SA:H/E:A/R:A/RE:M", 4.8),  // BT
        ("CVSS:4.0/AV:N/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:H/SI:H/SA:H/E:P", 2.3),  // BT
        ("CVSS:4.0/AV:P/AC:L/AT:P/PR:H/UI:N/VC:N/VI:L/VA:N/SC:L/SI:L/SA:N/E:U", 0.1),  // BT
        ("CVSS:4.0/AV:P/AC:L/AT:N/PR:H/UI:P/VC:L/VI:N/VA:N/SC:H/SI:H/SA:L/E:A", 4.5),  // BT
        ("CVSS:4.0/AV:A/AC:L/AT:N/PR:H/UI:A/VC:L/VI:H/VA:L/SC:L/SI:L/SA:H/E:P", 5.2),  // BT
        ("CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:L/SC:L/SI:N/SA:N/E:P", 5.5),  // BT
        ("CVSS:4.0/AV:P/AC:H/AT:N/PR:N/UI:P/VC:H/VI:H/VA:L/SC:H/SI:L/SA:H/E:P/S:X/RE:M/U:Clear", 5.8),  // BT
        ("CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:N/VC:L/VI:H/VA:H/SC:N/SI:N/SA:H/E:U", 3.9),  // BT
        ("CVSS:4.0/AV:P/AC:H/AT:P/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:H/SA:L/E:A", 2.0),  // BT
        ("CVSS:4.0/AV:A/AC:H/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:L/SA:N/E:U", 0.6),  // BT
        ("CVSS:4.0/AV:L/AC:H/AT:P/PR:N/UI:A/VC:H/VI:H/VA:L/SC:N/SI:N/SA:L/E:U", 3.8),  // BT
        ("CVSS:4.0/AV:P/AC:H/AT:P/PR:N/UI:N/VC:N/VI:H/VA:N/SC:N/SI:H/SA:L/CR:H/MUI:N", 5.7),  // BE
        ("CVSS:4.0/AV:L/AC:L/AT:P/PR:N/UI:P/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/CR:X/AR:M/MAV:P/MAT:P/MVI:N/MVA:L/MSC:X/MSI:H/MSA:L", 2.0),  // BE
        ("CVSS:4.0/AV:L/AC:H/AT:N/PR:L/UI:N/VC:H/VI:L/VA:N/SC:N/SI:N/SA:L/IR:H/AR:H/MAC:X/MAT:P/MPR:X/MUI:N/MVC:L/MSC:N", 2.0),  // BE
        ("CVSS:4.0/AV:A/AC:H/AT:P/PR:H/UI:N/VC:N/VI:H/VA:H/SC:H/SI:N/SA:L/CR:L/MAV:A/MAT:X/MUI:P/MVC:N/MVA:X/MSC:L/R:A/RE:H", 4.1),  // BE
        ("CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:H/VI:N/VA:N/SC:H/SI:L/SA:N/AR:H/MAV:N/MAT:P/MPR:N/MUI:P/MVC:N/MVI:X/MVA:N", 5.1),  // BE
        ("CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:A/VC:L/VI:N/VA:L/SC:N/SI:L/SA:L/IR:X/MAV:P/MAT:P/MUI:P/MVC:H/MVA:N/MSC:H/MSA:L", 5.8),  // BE
        ("CVSS:4.0/AV:A/AC:L/AT:P/PR:N/UI:A/VC:H/VI:H/VA:H/SC:L/SI:N/SA:H/IR:H/AR:H/MPR:N/MVI:N/MSI:N", 7.0),  // BE
        ("CVSS:4.0/AV:A/AC:L/AT:N/PR:H/UI:N/VC:L/VI:H/VA:H/SC:L/SI:H/SA:H/CR:M/AR:M/MAT:N/MPR:L/MUI:N/MVA:X/MSA:N", 8.3),  // BE
        ("CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:N/VI:L/VA:L/SC:H/SI:N/SA:L/CR:X/AR:X/MAV:A/MAC:H/MAT:P/MUI:N/MVC:N/MVA:N/MSC:N/MSI:S/R:I/V:D/U:Green", 6.8),  // BE
        ("CVSS:4.0/AV:P/AC:L/AT:N/PR:L/UI:A/VC:L/VI:L/VA:H/SC:N/SI:L/SA:N/CR:M/AR:L/MAC:H/MPR:L/MUI:X/MVC:L/MVA:X/MSC:L/MSI:X/MSA:S", 5.4),  // BE
        ("CVSS:4.0/AV:L/AC:L/AT:P/PR:N/UI:A/VC:L/VI:L/VA:L/SC:H/SI:L/SA:L/CR:M/AR:L/MAV:L/MPR:N/MSC:H/MSI:L", 4.5),  // BE
        ("CVSS:4.0/AV:A/AC:H/AT:P/PR:N/UI:N/VC:H/VI:N/VA:H/SC:L/SI:L/SA:H/AR:L/MAC:L/MPR:X/MUI:X/MVI:X/MVA:L", 7.1),  // BE
        ("CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:A/VC:L/VI:N/VA:N/SC:N/SI:L/SA:L/E:U/CR:H/IR:M/MAV:X/MAC:X/MVC:H/MVI:X/MSA:X", 2.0),  // BTE
        ("CVSS:4.0/AV:A/AC:L/AT:P/PR:H/UI:N/VC:H/VI:N/VA:N/SC:L/SI:H/SA:H/E:U/CR:X/IR:M/AR:L/MAV:A/MAC:H/MPR:H/MUI:X/MVC:H/MVA:L/MSI:L", 3.4),  // BTE
        ("CVSS:4.0/AV:A/AC:H/AT:N/PR:L/UI:P/VC:N/VI:H/VA:L/SC:H/SI:L/SA:N/E:P/CR:H/MAV:L/MVI:N/MVA:X/MSA:N/AU:X/V:C", 0.9),  // BTE
        ("CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:P/VC:N/VI:H/VA:L/SC:L/SI:N/SA:H/E:U/IR:M/AR:H/MAC:L/MPR:H/MVA:H", 3.8),  // BTE
        ("CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:L/SI:N/SA:H/E:A/AR:M/MPR:X/MUI:P/MVC:X/MSC:H", 9.2),  // BTE
        ("CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:L/SC:N/SI:N/SA:H/E:U/IR:L/AR:L/MAC:L/MPR:L/MVC:N/MVI:L/MVA:L/MSA:H", 0.8),  // BTE
        ("CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:P/VC:L/VI:N/VA:N/SC:L/SI:N/SA:N/E:P/CR:M/AR:M/MAV:A/MAC:X/MAT:N/MPR:X/MVC:H/MVI:X/MSA:N", 2.5),  // BTE
        ("CVSS:4.0/AV:A/AC:L/AT:N/PR:L/UI:P/VC:H/VI:H/VA:N/SC:H/SI:L/SA:L/E:U/IR:M/AR:H/MAC:H/MAT:P/MPR:N", 5.7),  // BTE
        ("CVSS:4.0/AV:P/AC:H/AT:P/PR:L/UI:P/VC:L/VI:L/VA:L/SC:N/SI:L/SA:H/E:U/IR:L/MAC:X/MPR:X/MVC:N/MVA:N/MSC:N/MSI:S/U:X", 1.0),  // BTE
        ("CVSS:4.0/AV:L/AC:H/AT:P/PR:H/UI:A/VC:N/VI:L/VA:H/SC:H/SI:L/SA:L/E:U/IR:X/AR:L/MAV:N/MAT:P/MVC:X/MSI:L", 1.8),  // BTE
        ("CVSS:4.0/AV:A/AC:L/AT:P/PR:L/UI:P/VC:N/VI:N/VA:H/SC:H/SI:N/SA:H/E:U/CR:H/MAC:X/MAT:X/MVA:N/MSC:H/MSI:L/AU:X/V:X", 0.4),  // BTE
        ("CVSS:4.0/AV:P/AC:H/AT:N/PR:L/UI:N/VC:L/VI:L/VA:H/SC:N/SI:H/SA:H/E:U/IR:X/MAV:P/MAT:X/MPR:L/MVC:H/MVI:H/MVA:H/MSC:N/MSA:H", 3.7),  // BTE
    ])
    func scores(vector: String, expected: Double) throws {
        let parsed = try CVSS.parse(vector)
        #expect(parsed.version == .v4_0)
        #expect(parsed.baseScore == expected)
        #expect(CVSS.V4.score(parsed.metrics) == expected)
    }

    @Test("macrovector, nomenclature and severity band")
    func details() throws {
        let base = try #require(try CVSS.parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N").v4Result)
        #expect(base == CVSS.V4.Result(score: 9.3, macroVector: "000200", nomenclature: .base))
        let threat = try #require(try CVSS.parse(
            "CVSS:4.0/AV:A/AC:H/AT:N/PR:L/UI:P/VC:H/VI:L/VA:L/SC:L/SI:L/SA:N/E:P/CR:M/IR:H/AR:M/S:P/AU:Y/R:I/V:C/RE:H/U:Amber").v4Result)
        #expect(threat == CVSS.V4.Result(score: 0.7, macroVector: "211211", nomenclature: .baseThreatEnvironmental))
        let safety = try #require(try CVSS.parse("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:U/MAV:N/"
            + "MAC:L/MAT:N/MPR:N/MUI:N/MVC:H/MVI:H/MVA:H/MSC:H/MSI:S/MSA:S").v4Result)
        #expect(safety.macroVector == "000020")
        #expect(safety.score == 9.5)

        #expect(CVSS.V4.nomenclature(["E": "U"]) == .baseThreat)
        #expect(CVSS.V4.nomenclature(["E": "X", "CR": "X"]) == .base)
        #expect(CVSS.V4.nomenclature(["MAV": "N"]) == .baseEnvironmental)
        // Supplemental metrics are not part of the nomenclature and never change the score.
        #expect(CVSS.V4.nomenclature(["S": "P", "U": "Red"]) == .base)
        let plain = try CVSS.parse("CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:L/VA:N/SC:N/SI:N/SA:N")
        let supplemented = try CVSS.parse(plain.text + "/S:P/AU:Y/R:U/V:C/RE:H/U:Red")
        #expect(plain.baseScore == supplemented.baseScore)

        #expect(CVSS.V4.severity(score: 0) == nil)
        #expect(CVSS.V4.severity(score: 0.1) == .low)
        #expect(CVSS.V4.severity(score: 3.9) == .low)
        #expect(CVSS.V4.severity(score: 4.0) == .medium)
        #expect(CVSS.V4.severity(score: 6.9) == .medium)
        #expect(CVSS.V4.severity(score: 7.0) == .high)
        #expect(CVSS.V4.severity(score: 8.9) == .high)
        #expect(CVSS.V4.severity(score: 9.0) == .critical)
        #expect(try CVSS.parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N").baseSeverity == .critical)
        #expect(try CVSS.parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N").baseSeverity == nil)
        // A metric map missing a base metric has no score.
        #expect(CVSS.V4.score(["AV": "N"]) == nil)
    }

    @Test("the specification data is complete: 270 macrovectors, every one reachable")
    func data() {
        #expect(CVSS.V4.macroScores.count == 270)
        var keys: Set<String> = []
        for eq1 in 0...2 { for eq2 in 0...1 { for eq3 in 0...2 { for eq4 in 0...2 { for eq5 in 0...2 { for eq6 in 0...1
            where !(eq3 == 2 && eq6 == 0) {
            let key = "\(eq1)\(eq2)\(eq3)\(eq4)\(eq5)\(eq6)"
            keys.insert(key)
            #expect(CVSS.V4.macroScores[key] != nil, "no score for macrovector \(key)")
        } } } } } }
        #expect(keys == Set(CVSS.V4.macroScores.keys))
        #expect(CVSS.V4.macroScores["000000"] == 10)
        #expect(CVSS.V4.macroScores["212221"] == 0.1)
        #expect(CVSS.V4.macroScores.values.allSatisfy { (0.1...10).contains($0) })
    }

    @Test("invalid v4 vectors give errors that say what is wrong", arguments: [
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", "missing base metric(s) SA"),
        ("CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "missing base metric(s) AT"),
        ("CVSS:4.0/E:A", "missing base metric(s) AV, AC, AT, PR, UI, VC, VI, VA, SC, SI, SA"),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/AV:L", "metric AV given twice"),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/E:U", "metric E given twice"),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "metric UI has invalid value 'R'"),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N", "metric SI has invalid value 'S'"),
        ("CVSS:4.0/AV:X/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "metric AV has invalid value 'X'"),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:red", "metric U has invalid value 'red'"),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSC:S", "metric MSC has invalid value 'S'"),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/C:H", "unknown metric 'C'"),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/", "'' is not METRIC:VALUE"),
        ("CVSS:4.1/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "unsupported CVSS version"),
        ("CVSS:4/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "unsupported CVSS version"),
        ("AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
         "unknown metric 'AT' (CVSS v3 and v4 vectors must start with 'CVSS:3.1/', 'CVSS:3.0/' or 'CVSS:4.0/')"),
        ("CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "unknown metric 'AT'"),
    ])
    func invalid(vector: String, reason: String) {
        #expect {
            try CVSS.parse(vector)
        } throws: { error in
            (error as? CVSS.ParseError)?.reason == reason
        }
    }

    @Test("effective severity uses the computed v4 score when nothing ranks above it")
    func effectiveSeverity() throws {
        let critical = try CVSS.parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
        var advisory = Advisory(source: "s", id: "CVE-2024-1", cvssV4: CVSSScore(vector: critical.text, score: critical.baseScore))
        #expect(advisory.cvssV4?.score == 9.3)
        #expect(advisory.effectiveSeverity() == SeverityDecision(severity: .critical, source: .cvssV4))
        // v3 and vendor ratings still rank above v4.
        advisory.cvssV3 = CVSSScore(vector: "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", score: 3.1)
        #expect(advisory.effectiveSeverity() == SeverityDecision(severity: .low, source: .cvssV3))
        advisory.cvssV3 = nil
        advisory.severity = .medium
        #expect(advisory.effectiveSeverity().severity == .medium)
        advisory.severity = nil
        // A record stored without a v4 score (written before scores were computed): scored from the vector.
        advisory.cvssV4 = CVSSScore(vector: "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N", score: nil)
        #expect(advisory.cvssV4?.effectiveScore == 4.8)
        #expect(advisory.effectiveSeverity() == SeverityDecision(severity: .medium, source: .cvssV4))
        // NONE (0.0) is not a rating: UNKNOWN, as for a v3 score of 0.0.
        advisory.cvssV4 = CVSSScore(vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", score: nil)
        #expect(advisory.cvssV4?.effectiveScore == 0)
        #expect(advisory.effectiveSeverity() == SeverityDecision(severity: .unknown, source: .none))
        // An unparsable vector without a score gives no severity.
        advisory.cvssV4 = CVSSScore(vector: "CVSS:4.0/AV:N", score: nil)
        #expect(advisory.cvssV4?.effectiveScore == nil)
        #expect(advisory.effectiveSeverity() == SeverityDecision(severity: .unknown, source: .none))
    }
}
