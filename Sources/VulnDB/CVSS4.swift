import Foundation

/// CVSS v4.0 scoring, as FIRST's specification (section 8, "CVSS v4.0 Scoring") and its reference calculator
/// define it:
///
/// 1. every metric is reduced to its *effective* value (a modified environmental metric `M…` other than `X`
///    replaces the base metric; `E:X` counts as `E:A`, `CR/IR/AR:X` as `H`);
/// 2. the effective values are classified into six equivalence sets, EQ1–EQ6, giving the *macrovector*
///    (`"001100"`), whose score is read from FIRST's table of the 270 macrovector scores;
/// 3. the score is lowered, for each EQ that has a next-lower macrovector, by the available score difference times
///    the vector's severity distance from the highest-severity vector of its macrovector, divided by the depth of
///    that EQ level; the mean of those reductions is subtracted;
/// 4. the result is clamped to 0–10 and rounded to one decimal, half up (with the reference implementations'
///    1e-6 guard against binary floating-point error).
///
/// The score covers every metric group the vector gives: CVSS-B (base only), CVSS-BT (with `E`), CVSS-BE (with
/// environmental metrics) or CVSS-BTE. Supplemental metrics (`S`, `AU`, `R`, `V`, `RE`, `U`) never change it.
///
/// The numeric data (macrovector scores, highest-severity vectors per EQ level, EQ depths) is transcribed from
/// FIRST's reference calculator (`cvss_lookup.js`, `max_composed.js`, `max_severity.js`).
extension CVSS {
    public enum V4: Sendable {
        /// Which metric groups a score covers (specification section 1.3, "CVSS Nomenclature").
        public enum Nomenclature: String, Sendable, Hashable, Codable {
            case base = "CVSS-B"
            case baseThreat = "CVSS-BT"
            case baseEnvironmental = "CVSS-BE"
            case baseThreatEnvironmental = "CVSS-BTE"
        }

        /// A scored v4 vector.
        public struct Result: Sendable, Hashable {
            /// 0.0–10.0, one decimal.
            public var score: Double
            /// The six EQ levels, e.g. `"001100"`.
            public var macroVector: String
            public var nomenclature: Nomenclature
        }

        /// The score of a v4 metric map (as `CVSS.parse` returns it); nil when a base metric is missing or a value
        /// is not a v4 value.
        public static func score(_ metrics: [String: String]) -> Double? { evaluate(metrics)?.score }

        /// The v4 qualitative rating: 0.0 NONE (nil), 0.1–3.9 LOW, 4.0–6.9 MEDIUM, 7.0–8.9 HIGH, 9.0–10.0 CRITICAL.
        public static func severity(score: Double) -> Severity? { CVSS.severityV3(score: score) }

        /// Score, macrovector and nomenclature of a v4 metric map; nil when a base metric is missing or a value is
        /// not a v4 value.
        public static func evaluate(_ metrics: [String: String]) -> Result? {
            guard let m = EffectiveMetrics(metrics), let macro = macroVector(m) else { return nil }
            let nomenclature = nomenclature(metrics)
            let key = macro.key
            if [m.vc, m.vi, m.va, m.sc, m.si, m.sa].allSatisfy({ $0 == "N" }) {
                // No impact on the vulnerable or a subsequent system: 0.0 whatever the macrovector.
                return Result(score: 0, macroVector: key, nomenclature: nomenclature)
            }
            guard let value = macroScores[key] else { return nil }
            let reduced = value - meanDistance(m, macro: macro, value: value)
            return Result(score: round1(min(max(reduced, 0), 10)), macroVector: key, nomenclature: nomenclature)
        }

        /// The nomenclature for the metric groups present (a metric given as `X` is not present).
        public static func nomenclature(_ metrics: [String: String]) -> Nomenclature {
            func given(_ name: String) -> Bool { metrics[name].map { $0 != "X" } ?? false }
            let threat = given("E")
            let environmental = environmentalMetrics.contains(where: given)
            switch (threat, environmental) {
            case (false, false): return .base
            case (true, false): return .baseThreat
            case (false, true): return .baseEnvironmental
            case (true, true): return .baseThreatEnvironmental
            }
        }

        /// Half-up rounding to one decimal with the 1e-6 guard of the reference implementations
        /// (`8.6 - 7.15` is 1.4499999999999993 in binary and must round to 1.5).
        static func round1(_ value: Double) -> Double {
            ((value + 1e-6) * 10).rounded(.toNearestOrAwayFromZero) / 10
        }

        static let environmentalMetrics = ["CR", "IR", "AR", "MAV", "MAC", "MAT", "MPR", "MUI", "MVC", "MVI", "MVA", "MSC", "MSI", "MSA"]

        // MARK: effective values and EQs

        /// The effective value of every metric that scoring reads.
        struct EffectiveMetrics {
            var av, ac, at, pr, ui, vc, vi, va, sc, si, sa, cr, ir, ar, e: String

            init?(_ metrics: [String: String]) {
                func value(_ name: String) -> String? {
                    if let modified = metrics["M" + name], modified != "X" { return modified }
                    return metrics[name]
                }
                func requirement(_ name: String) -> String {
                    guard let given = metrics[name], given != "X" else { return "H" }
                    return given
                }
                guard let av = value("AV"), let ac = value("AC"), let at = value("AT"), let pr = value("PR"),
                      let ui = value("UI"), let vc = value("VC"), let vi = value("VI"), let va = value("VA"),
                      let sc = value("SC"), let si = value("SI"), let sa = value("SA")
                else { return nil }
                (self.av, self.ac, self.at, self.pr, self.ui) = (av, ac, at, pr, ui)
                (self.vc, self.vi, self.va, self.sc, self.si, self.sa) = (vc, vi, va, sc, si, sa)
                (cr, ir, ar) = (requirement("CR"), requirement("IR"), requirement("AR"))
                if let threat = metrics["E"], threat != "X" { e = threat } else { e = "A" }
            }

            /// The value of a metric named as in the highest-severity vectors.
            func value(of name: String) -> String? {
                switch name {
                case "AV": av
                case "AC": ac
                case "AT": at
                case "PR": pr
                case "UI": ui
                case "VC": vc
                case "VI": vi
                case "VA": va
                case "SC": sc
                case "SI": si
                case "SA": sa
                case "CR": cr
                case "IR": ir
                case "AR": ar
                case "E": e
                default: nil
                }
            }
        }

        struct MacroVector: Equatable {
            var eq1, eq2, eq3, eq4, eq5, eq6: Int
            var key: String { "\(eq1)\(eq2)\(eq3)\(eq4)\(eq5)\(eq6)" }
        }

        /// EQ1–EQ6 of the specification's table 24 ("EQ1–EQ6 levels").
        static func macroVector(_ m: EffectiveMetrics) -> MacroVector? {
            // EQ1: 0 AV:N and PR:N and UI:N; 1 (AV:N or PR:N or UI:N) and not that, and not AV:P; 2 otherwise.
            let eq1 = if m.av == "N" && m.pr == "N" && m.ui == "N" { 0 }
                else if (m.av == "N" || m.pr == "N" || m.ui == "N") && m.av != "P" { 1 }
                else { 2 }
            // EQ2: 0 AC:L and AT:N; 1 otherwise.
            let eq2 = m.ac == "L" && m.at == "N" ? 0 : 1
            // EQ3: 0 VC:H and VI:H; 1 otherwise with VC:H or VI:H or VA:H; 2 none of them H.
            let eq3 = if m.vc == "H" && m.vi == "H" { 0 }
                else if m.vc == "H" || m.vi == "H" || m.va == "H" { 1 }
                else { 2 }
            // EQ4: 0 MSI:S or MSA:S; 1 otherwise with SC:H or SI:H or SA:H; 2 none of them H.
            let eq4 = if m.si == "S" || m.sa == "S" { 0 }
                else if m.sc == "H" || m.si == "H" || m.sa == "H" { 1 }
                else { 2 }
            // EQ5: E:A 0, E:P 1, E:U 2.
            let eq5: Int
            switch m.e {
            case "A": eq5 = 0
            case "P": eq5 = 1
            case "U": eq5 = 2
            default: return nil
            }
            // EQ6: 0 (CR:H and VC:H) or (IR:H and VI:H) or (AR:H and VA:H); 1 otherwise.
            let eq6 = (m.cr == "H" && m.vc == "H") || (m.ir == "H" && m.vi == "H") || (m.ar == "H" && m.va == "H") ? 0 : 1
            return MacroVector(eq1: eq1, eq2: eq2, eq3: eq3, eq4: eq4, eq5: eq5, eq6: eq6)
        }

        // MARK: interpolation

        /// The mean, over the EQs that have a next-lower macrovector, of (score difference to it) × (severity
        /// distance from the macrovector's highest-severity vector ÷ the EQ level's depth). The arithmetic follows
        /// the reference calculator step for step so the binary rounding is the same.
        static func meanDistance(_ m: EffectiveMetrics, macro: MacroVector, value: Double) -> Double {
            func score(_ change: (inout MacroVector) -> Void) -> Double? {
                var lower = macro
                change(&lower)
                return macroScores[lower.key]
            }
            let lowerEQ1 = score { $0.eq1 += 1 }
            let lowerEQ2 = score { $0.eq2 += 1 }
            let lowerEQ3EQ6: Double?
            switch (macro.eq3, macro.eq6) {
            case (0, 0):
                // Two next-lower macrovectors (00 → 01 and 00 → 10): the higher-scoring one.
                let left = score { $0.eq6 += 1 }, right = score { $0.eq3 += 1 }
                if let left, let right { lowerEQ3EQ6 = left > right ? left : right } else { lowerEQ3EQ6 = left ?? right }
            case (1, 0): lowerEQ3EQ6 = score { $0.eq6 += 1 }
            case (0, 1), (1, 1): lowerEQ3EQ6 = score { $0.eq3 += 1 }
            default: lowerEQ3EQ6 = nil  // 21 is the lowest
            }
            let lowerEQ4 = score { $0.eq4 += 1 }
            let lowerEQ5 = score { $0.eq5 += 1 }

            // The severity distances from the first highest-severity vector of the macrovector that is at least as
            // severe as this one in every metric (the last candidate when none is).
            var distance: [String: Double] = [:]
            for candidate in maxVectors(for: macro) {
                distance = [:]
                var dominates = true
                for name in distanceMetrics {
                    guard let scale = levels[name], let own = m.value(of: name).flatMap({ scale[$0] }),
                          let top = candidate[name].flatMap({ scale[$0] }) else { continue }
                    let difference = own - top
                    distance[name] = difference
                    if difference < 0 { dominates = false }
                }
                if dominates { break }
            }
            func d(_ name: String) -> Double { distance[name] ?? 0 }
            let step = 0.1
            let current = (
                eq1: d("AV") + d("PR") + d("UI"),
                eq2: d("AC") + d("AT"),
                eq3eq6: d("VC") + d("VI") + d("VA") + d("CR") + d("IR") + d("AR"),
                eq4: d("SC") + d("SI") + d("SA"))
            let depth = (
                eq1: Double(eq1Depth[macro.eq1]) * step,
                eq2: Double(eq2Depth[macro.eq2]) * step,
                eq3eq6: Double(eq3eq6Depth[macro.eq3][macro.eq6]) * step,
                eq4: Double(eq4Depth[macro.eq4]) * step)

            var existing = 0
            var normalized: [Double] = [0, 0, 0, 0, 0]
            if let lower = lowerEQ1 {
                existing += 1
                normalized[0] = (value - lower) * (current.eq1 / depth.eq1)
            }
            if let lower = lowerEQ2 {
                existing += 1
                normalized[1] = (value - lower) * (current.eq2 / depth.eq2)
            }
            if let lower = lowerEQ3EQ6 {
                existing += 1
                normalized[2] = (value - lower) * (current.eq3eq6 / depth.eq3eq6)
            }
            if let lower = lowerEQ4 {
                existing += 1
                normalized[3] = (value - lower) * (current.eq4 / depth.eq4)
            }
            if lowerEQ5 != nil {
                // EQ5 (exploit maturity) has a single value per level: its distance is always 0.
                existing += 1
            }
            guard existing > 0 else { return 0 }
            return (normalized[0] + normalized[1] + normalized[2] + normalized[3] + normalized[4]) / Double(existing)
        }

        /// Every combination of the highest-severity vectors of the macrovector's EQ levels, in the reference
        /// calculator's order (EQ1 outermost, EQ5 innermost).
        static func maxVectors(for macro: MacroVector) -> [[String: String]] {
            let eq3eq6 = macro.eq3 < maxEQ3EQ6.count ? (maxEQ3EQ6[macro.eq3][macro.eq6] ?? []) : []
            var result: [[String: String]] = []
            for a in maxEQ1[macro.eq1] {
                for b in maxEQ2[macro.eq2] {
                    for c in eq3eq6 {
                        for d in maxEQ4[macro.eq4] {
                            for e in maxEQ5[macro.eq5] {
                                result.append(metricMap(a + "/" + b + "/" + c + "/" + d + "/" + e))
                            }
                        }
                    }
                }
            }
            return result
        }

        private static func metricMap(_ text: String) -> [String: String] {
            var map: [String: String] = [:]
            for part in text.split(separator: "/") {
                let pair = part.split(separator: ":", maxSplits: 1)
                if pair.count == 2 { map[String(pair[0])] = String(pair[1]) }
            }
            return map
        }

        // MARK: specification data (FIRST reference calculator)

        /// Metrics whose severity distance is measured, in the reference calculator's order.
        static let distanceMetrics = ["AV", "PR", "UI", "AC", "AT", "VC", "VI", "VA", "SC", "SI", "SA", "CR", "IR", "AR"]

        /// Severity levels per metric value, in tenths (0.0 most severe).
        static let levels: [String: [String: Double]] = [
            "AV": ["N": 0.0, "A": 0.1, "L": 0.2, "P": 0.3],
            "PR": ["N": 0.0, "L": 0.1, "H": 0.2],
            "UI": ["N": 0.0, "P": 0.1, "A": 0.2],
            "AC": ["L": 0.0, "H": 0.1],
            "AT": ["N": 0.0, "P": 0.1],
            "VC": ["H": 0.0, "L": 0.1, "N": 0.2],
            "VI": ["H": 0.0, "L": 0.1, "N": 0.2],
            "VA": ["H": 0.0, "L": 0.1, "N": 0.2],
            "SC": ["H": 0.1, "L": 0.2, "N": 0.3],
            "SI": ["S": 0.0, "H": 0.1, "L": 0.2, "N": 0.3],
            "SA": ["S": 0.0, "H": 0.1, "L": 0.2, "N": 0.3],
            "CR": ["H": 0.0, "M": 0.1, "L": 0.2],
            "IR": ["H": 0.0, "M": 0.1, "L": 0.2],
            "AR": ["H": 0.0, "M": 0.1, "L": 0.2],
        ]

        /// Highest-severity vectors per EQ level (`max_composed.js`); EQ3 is indexed by EQ3 level, then EQ6 level.
        static let maxEQ1 = [["AV:N/PR:N/UI:N"], ["AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P"], ["AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P"]]
        static let maxEQ2 = [["AC:L/AT:N"], ["AC:H/AT:N", "AC:L/AT:P"]]
        static let maxEQ3EQ6: [[Int: [String]]] = [
            [0: ["VC:H/VI:H/VA:H/CR:H/IR:H/AR:H"],
             1: ["VC:H/VI:H/VA:L/CR:M/IR:M/AR:H", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M"]],
            [0: ["VC:L/VI:H/VA:H/CR:H/IR:H/AR:H", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H"],
             1: ["VC:L/VI:H/VA:L/CR:H/IR:M/AR:H", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M", "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M",
                 "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H", "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M"]],
            [1: ["VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"]],
        ]
        static let maxEQ4 = [["SC:H/SI:S/SA:S"], ["SC:H/SI:H/SA:H"], ["SC:L/SI:L/SA:L"]]
        static let maxEQ5 = [["E:A"], ["E:P"], ["E:U"]]

        /// Depth of each EQ level, in steps of 0.1 (`max_severity.js`: the maximal severity distance within the
        /// level, plus one); EQ3/EQ6 is indexed by EQ3 level, then EQ6 level (EQ3 2 only exists with EQ6 1).
        static let eq1Depth = [1, 4, 5]
        static let eq2Depth = [1, 2]
        static let eq3eq6Depth = [[7, 6], [8, 8], [10, 10]]
        static let eq4Depth = [6, 5, 4]

        /// The 270 macrovector scores (`cvss_lookup.js`), keyed EQ1…EQ6.
        static let macroScores: [String: Double] = [
        "000000": 10.0, "000001": 9.9, "000010": 9.8, "000011": 9.5, "000020": 9.5, "000021": 9.2, "000100": 10.0, "000101": 9.6, "000110": 9.3,
        "000111": 8.7, "000120": 9.1, "000121": 8.1, "000200": 9.3, "000201": 9.0, "000210": 8.9, "000211": 8.0, "000220": 8.1, "000221": 6.8,
        "001000": 9.8, "001001": 9.5, "001010": 9.5, "001011": 9.2, "001020": 9.0, "001021": 8.4, "001100": 9.3, "001101": 9.2, "001110": 8.9,
        "001111": 8.1, "001120": 8.1, "001121": 6.5, "001200": 8.8, "001201": 8.0, "001210": 7.8, "001211": 7.0, "001220": 6.9, "001221": 4.8,
        "002001": 9.2, "002011": 8.2, "002021": 7.2, "002101": 7.9, "002111": 6.9, "002121": 5.0, "002201": 6.9, "002211": 5.5, "002221": 2.7,
        "010000": 9.9, "010001": 9.7, "010010": 9.5, "010011": 9.2, "010020": 9.2, "010021": 8.5, "010100": 9.5, "010101": 9.1, "010110": 9.0,
        "010111": 8.3, "010120": 8.4, "010121": 7.1, "010200": 9.2, "010201": 8.1, "010210": 8.2, "010211": 7.1, "010220": 7.2, "010221": 5.3,
        "011000": 9.5, "011001": 9.3, "011010": 9.2, "011011": 8.5, "011020": 8.5, "011021": 7.3, "011100": 9.2, "011101": 8.2, "011110": 8.0,
        "011111": 7.2, "011120": 7.0, "011121": 5.9, "011200": 8.4, "011201": 7.0, "011210": 7.1, "011211": 5.2, "011220": 5.0, "011221": 3.0,
        "012001": 8.6, "012011": 7.5, "012021": 5.2, "012101": 7.1, "012111": 5.2, "012121": 2.9, "012201": 6.3, "012211": 2.9, "012221": 1.7,
        "100000": 9.8, "100001": 9.5, "100010": 9.4, "100011": 8.7, "100020": 9.1, "100021": 8.1, "100100": 9.4, "100101": 8.9, "100110": 8.6,
        "100111": 7.4, "100120": 7.7, "100121": 6.4, "100200": 8.7, "100201": 7.5, "100210": 7.4, "100211": 6.3, "100220": 6.3, "100221": 4.9,
        "101000": 9.4, "101001": 8.9, "101010": 8.8, "101011": 7.7, "101020": 7.6, "101021": 6.7, "101100": 8.6, "101101": 7.6, "101110": 7.4,
        "101111": 5.8, "101120": 5.9, "101121": 5.0, "101200": 7.2, "101201": 5.7, "101210": 5.7, "101211": 5.2, "101220": 5.2, "101221": 2.5,
        "102001": 8.3, "102011": 7.0, "102021": 5.4, "102101": 6.5, "102111": 5.8, "102121": 2.6, "102201": 5.3, "102211": 2.1, "102221": 1.3,
        "110000": 9.5, "110001": 9.0, "110010": 8.8, "110011": 7.6, "110020": 7.6, "110021": 7.0, "110100": 9.0, "110101": 7.7, "110110": 7.5,
        "110111": 6.2, "110120": 6.1, "110121": 5.3, "110200": 7.7, "110201": 6.6, "110210": 6.8, "110211": 5.9, "110220": 5.2, "110221": 3.0,
        "111000": 8.9, "111001": 7.8, "111010": 7.6, "111011": 6.7, "111020": 6.2, "111021": 5.8, "111100": 7.4, "111101": 5.9, "111110": 5.7,
        "111111": 5.7, "111120": 4.7, "111121": 2.3, "111200": 6.1, "111201": 5.2, "111210": 5.7, "111211": 2.9, "111220": 2.4, "111221": 1.6,
        "112001": 7.1, "112011": 5.9, "112021": 3.0, "112101": 5.8, "112111": 2.6, "112121": 1.5, "112201": 2.3, "112211": 1.3, "112221": 0.6,
        "200000": 9.3, "200001": 8.7, "200010": 8.6, "200011": 7.2, "200020": 7.5, "200021": 5.8, "200100": 8.6, "200101": 7.4, "200110": 7.4,
        "200111": 6.1, "200120": 5.6, "200121": 3.4, "200200": 7.0, "200201": 5.4, "200210": 5.2, "200211": 4.0, "200220": 4.0, "200221": 2.2,
        "201000": 8.5, "201001": 7.5, "201010": 7.4, "201011": 5.5, "201020": 6.2, "201021": 5.1, "201100": 7.2, "201101": 5.7, "201110": 5.5,
        "201111": 4.1, "201120": 4.6, "201121": 1.9, "201200": 5.3, "201201": 3.6, "201210": 3.4, "201211": 1.9, "201220": 1.9, "201221": 0.8,
        "202001": 6.4, "202011": 5.1, "202021": 2.0, "202101": 4.7, "202111": 2.1, "202121": 1.1, "202201": 2.4, "202211": 0.9, "202221": 0.4,
        "210000": 8.8, "210001": 7.5, "210010": 7.3, "210011": 5.3, "210020": 6.0, "210021": 5.0, "210100": 7.3, "210101": 5.5, "210110": 5.9,
        "210111": 4.0, "210120": 4.1, "210121": 2.0, "210200": 5.4, "210201": 4.3, "210210": 4.5, "210211": 2.2, "210220": 2.0, "210221": 1.1,
        "211000": 7.5, "211001": 5.5, "211010": 5.8, "211011": 4.5, "211020": 4.0, "211021": 2.1, "211100": 6.1, "211101": 5.1, "211110": 4.8,
        "211111": 1.8, "211120": 2.0, "211121": 0.9, "211200": 4.6, "211201": 1.8, "211210": 1.7, "211211": 0.7, "211220": 0.8, "211221": 0.2,
        "212001": 5.3, "212011": 2.4, "212021": 1.4, "212101": 2.4, "212111": 1.2, "212121": 0.5, "212201": 1.0, "212211": 0.3, "212221": 0.1,
        ]
    }
}
