import Foundation

/// CVSS vector parsing and base scores.
///
/// * v3.0 / v3.1: the base score formula of the FIRST specification (sections 7.1 and 7.4), with the v3.1
///   floating-point-safe `Roundup` (Appendix A) for 3.1 and the original `ceil(x*10)/10` for 3.0.
/// * v2: the base equation of the CVSS v2 guide (section 3.2.1), rounded to one decimal.
/// * v4.0: the macrovector scoring of the FIRST specification (section 8) and its reference calculator; see `CVSS.V4`
///   in `CVSS4.swift`. The score covers the threat and environmental metrics when the vector gives them
///   (CVSS-BT/BE/BTE), as the reference calculator's does.
public enum CVSS: Sendable {
    public enum Version: String, Sendable, Hashable, Codable {
        case v2 = "2.0"
        case v3_0 = "3.0"
        case v3_1 = "3.1"
        case v4_0 = "4.0"
    }

    /// A parsed, validated vector.
    public struct Vector: Sendable, Hashable {
        public let version: Version
        /// The vector as given, trimmed (v2 without surrounding parentheses).
        public let text: String
        /// Metric abbreviation → value, e.g. `AV` → `N`.
        public let metrics: [String: String]

        /// The base score (v2, v3.x), or the v4.0 score: CVSS-B, or CVSS-BT/BE/BTE when the vector gives threat or
        /// environmental metrics (see `CVSS.V4`).
        public var baseScore: Double? {
            switch version {
            case .v2: CVSS.baseScoreV2(metrics)
            case .v3_0, .v3_1: CVSS.baseScoreV3(metrics, version: version)
            case .v4_0: CVSS.V4.score(metrics)
            }
        }

        /// For a v4.0 vector: score, macrovector and nomenclature (CVSS-B/BT/BE/BTE); nil for other versions.
        public var v4Result: CVSS.V4.Result? { version == .v4_0 ? CVSS.V4.evaluate(metrics) : nil }

        public var baseSeverity: Severity? {
            guard let score = baseScore else { return nil }
            return version == .v2 ? CVSS.severityV2(score: score) : CVSS.severityV3(score: score)
        }
    }

    public struct ParseError: Error, CustomStringConvertible, Sendable, Equatable {
        public var vector: String
        public var reason: String
        public var description: String { "invalid CVSS vector '\(vector.prefix(200))': \(reason)" }
    }

    /// Parses `CVSS:3.1/AV:N/…`, `CVSS:3.0/…`, `CVSS:4.0/…` or a v2 vector `AV:N/AC:L/Au:N/C:P/I:P/A:P`
    /// (optionally in parentheses or prefixed `CVSS:2.0/`). All base metrics must be present exactly once;
    /// temporal/threat, environmental and supplemental metrics are validated and kept; they do not change the v2/v3
    /// base score, while the v4 score takes threat and environmental metrics into account (supplemental ones never).
    public static func parse(_ input: String) throws(ParseError) -> Vector {
        var text = input.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.utf8.count <= 512 else { throw ParseError(vector: input, reason: "longer than 512 bytes") }
        let version: Version
        let rules: [String: Set<String>]
        let required: [String]
        if text.hasPrefix("CVSS:3.1/") {
            version = .v3_1
        } else if text.hasPrefix("CVSS:3.0/") {
            version = .v3_0
        } else if text.hasPrefix("CVSS:4.0/") {
            version = .v4_0
        } else if text.hasPrefix("CVSS:") && !text.hasPrefix("CVSS:2.0/") {
            throw ParseError(vector: input, reason: "unsupported CVSS version")
        } else {
            version = .v2
            if text.hasPrefix("(") && text.hasSuffix(")") { text = String(text.dropFirst().dropLast()) }
        }
        switch version {
        case .v2: (rules, required) = (v2Metrics, ["AV", "AC", "Au", "C", "I", "A"])
        case .v3_0, .v3_1: (rules, required) = (v3Metrics, ["AV", "AC", "PR", "UI", "S", "C", "I", "A"])
        case .v4_0: (rules, required) = (v4Metrics, ["AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"])
        }
        var parts = text.split(separator: "/", omittingEmptySubsequences: false)
        if parts.first?.hasPrefix("CVSS:") == true { parts.removeFirst() }
        var metrics: [String: String] = [:]
        for part in parts {
            let pair = part.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { throw ParseError(vector: input, reason: "'\(part.prefix(40))' is not METRIC:VALUE") }
            let (name, value) = (String(pair[0]), String(pair[1]))
            guard let allowed = rules[name] else {
                // A v3/v4 vector without its `CVSS:x.y/` prefix is read as v2: say what is really missing.
                let hint = version == .v2 && (v3Metrics[name] != nil || v4Metrics[name] != nil)
                    ? " (CVSS v3 and v4 vectors must start with 'CVSS:3.1/', 'CVSS:3.0/' or 'CVSS:4.0/')" : ""
                throw ParseError(vector: input, reason: "unknown metric '\(name.prefix(40))'\(hint)")
            }
            guard allowed.contains(value) else {
                throw ParseError(vector: input, reason: "metric \(name) has invalid value '\(value.prefix(40))'")
            }
            guard metrics[name] == nil else { throw ParseError(vector: input, reason: "metric \(name) given twice") }
            metrics[name] = value
        }
        let missing = required.filter { metrics[$0] == nil }
        guard missing.isEmpty else {
            throw ParseError(vector: input, reason: "missing base metric(s) \(missing.joined(separator: ", "))")
        }
        return Vector(version: version, text: text, metrics: metrics)
    }

    /// CVSS v3.x (and v4) qualitative rating: 0.1–3.9 LOW, 4.0–6.9 MEDIUM, 7.0–8.9 HIGH, 9.0–10.0 CRITICAL;
    /// 0.0 (NONE) gives nil.
    public static func severityV3(score: Double) -> Severity? {
        switch score {
        case ..<0.05: nil
        case ..<4.0: .low
        case ..<7.0: .medium
        case ..<9.0: .high
        default: .critical
        }
    }

    /// NVD's CVSS v2 bands: 0.0–3.9 LOW, 4.0–6.9 MEDIUM, 7.0–10.0 HIGH.
    public static func severityV2(score: Double) -> Severity? {
        switch score {
        case ..<4.0: .low
        case ..<7.0: .medium
        default: .high
        }
    }

    // MARK: v3

    /// The v3.1 `Roundup` (specification Appendix A): exact for inputs like 4.000001 that binary floating point
    /// would otherwise push up a tenth.
    public static func roundUpV31(_ value: Double) -> Double {
        let integer = Int((value * 100_000).rounded())
        if integer % 10_000 == 0 { return Double(integer) / 100_000 }
        return Double(integer / 10_000 + 1) / 10
    }

    /// The v3.0 `Round up`: the smallest number with one decimal that is not below the input.
    public static func roundUpV30(_ value: Double) -> Double { (value * 10).rounded(.up) / 10 }

    static func baseScoreV3(_ m: [String: String], version: Version) -> Double? {
        let scopeChanged = m["S"] == "C"
        guard let av = ["N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2][m["AV"] ?? ""],
              let ac = ["L": 0.77, "H": 0.44][m["AC"] ?? ""],
              let pr = (scopeChanged ? ["N": 0.85, "L": 0.68, "H": 0.5] : ["N": 0.85, "L": 0.62, "H": 0.27])[m["PR"] ?? ""],
              let ui = ["N": 0.85, "R": 0.62][m["UI"] ?? ""],
              let c = cia3[m["C"] ?? ""], let i = cia3[m["I"] ?? ""], let a = cia3[m["A"] ?? ""]
        else { return nil }
        let roundUp = version == .v3_0 ? roundUpV30 : roundUpV31
        let iss = 1 - (1 - c) * (1 - i) * (1 - a)
        let impact = scopeChanged ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss
        let exploitability = 8.22 * av * ac * pr * ui
        guard impact > 0 else { return 0 }
        return scopeChanged ? roundUp(min(1.08 * (impact + exploitability), 10)) : roundUp(min(impact + exploitability, 10))
    }

    private static let cia3: [String: Double] = ["H": 0.56, "L": 0.22, "N": 0]

    // MARK: v2

    static func baseScoreV2(_ m: [String: String]) -> Double? {
        let cia: [String: Double] = ["N": 0, "P": 0.275, "C": 0.660]
        guard let av = ["L": 0.395, "A": 0.646, "N": 1.0][m["AV"] ?? ""],
              let ac = ["H": 0.35, "M": 0.61, "L": 0.71][m["AC"] ?? ""],
              let au = ["M": 0.45, "S": 0.56, "N": 0.704][m["Au"] ?? ""],
              let c = cia[m["C"] ?? ""], let i = cia[m["I"] ?? ""], let a = cia[m["A"] ?? ""]
        else { return nil }
        let impact = 10.41 * (1 - (1 - c) * (1 - i) * (1 - a))
        let exploitability = 20 * av * ac * au
        let f = impact == 0 ? 0 : 1.176
        let score = ((0.6 * impact) + (0.4 * exploitability) - 1.5) * f
        // round_to_1_decimal, as the NVD calculator does it (Math.round(x * 10) / 10).
        return max(0, (score * 10).rounded(.toNearestOrAwayFromZero) / 10)
    }

    // MARK: metric tables

    private static func values(_ list: String) -> Set<String> { Set(list.split(separator: ",").map(String.init)) }

    static let v2Metrics: [String: Set<String>] = [
        "AV": values("L,A,N"), "AC": values("H,M,L"), "Au": values("M,S,N"),
        "C": values("N,P,C"), "I": values("N,P,C"), "A": values("N,P,C"),
        "E": values("U,POC,F,H,ND"), "RL": values("OF,TF,W,U,ND"), "RC": values("UC,UR,C,ND"),
        "CDP": values("N,L,LM,MH,H,ND"), "TD": values("N,L,M,H,ND"),
        "CR": values("L,M,H,ND"), "IR": values("L,M,H,ND"), "AR": values("L,M,H,ND"),
    ]

    static let v3Metrics: [String: Set<String>] = [
        "AV": values("N,A,L,P"), "AC": values("L,H"), "PR": values("N,L,H"), "UI": values("N,R"), "S": values("U,C"),
        "C": values("H,L,N"), "I": values("H,L,N"), "A": values("H,L,N"),
        "E": values("X,U,P,F,H"), "RL": values("X,O,T,W,U"), "RC": values("X,U,R,C"),
        "CR": values("X,L,M,H"), "IR": values("X,L,M,H"), "AR": values("X,L,M,H"),
        "MAV": values("X,N,A,L,P"), "MAC": values("X,L,H"), "MPR": values("X,N,L,H"), "MUI": values("X,N,R"),
        "MS": values("X,U,C"), "MC": values("X,N,L,H"), "MI": values("X,N,L,H"), "MA": values("X,N,L,H"),
    ]

    static let v4Metrics: [String: Set<String>] = [
        "AV": values("N,A,L,P"), "AC": values("L,H"), "AT": values("N,P"), "PR": values("N,L,H"), "UI": values("N,P,A"),
        "VC": values("H,L,N"), "VI": values("H,L,N"), "VA": values("H,L,N"),
        "SC": values("H,L,N"), "SI": values("H,L,N"), "SA": values("H,L,N"),
        "E": values("X,A,P,U"),
        "CR": values("X,H,M,L"), "IR": values("X,H,M,L"), "AR": values("X,H,M,L"),
        "MAV": values("X,N,A,L,P"), "MAC": values("X,L,H"), "MAT": values("X,N,P"), "MPR": values("X,N,L,H"),
        "MUI": values("X,N,P,A"), "MVC": values("X,H,L,N"), "MVI": values("X,H,L,N"), "MVA": values("X,H,L,N"),
        "MSC": values("X,H,L,N"), "MSI": values("X,S,H,L,N"), "MSA": values("X,S,H,L,N"),
        "S": values("X,N,P"), "AU": values("X,N,Y"), "R": values("X,A,U,I"), "V": values("X,D,C"),
        "RE": values("X,L,M,H"), "U": values("X,Clear,Green,Amber,Red"),
    ]
}
