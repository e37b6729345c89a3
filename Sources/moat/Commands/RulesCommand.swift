import ArgumentParser
import ImageAnalysis

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List the rules moat's image analysis reports, with ids and default severities."
    )

    func run() throws {
        for rule in RuleCatalog.all {
            let severity = rule.severity.rawValue.uppercased().padding(toLength: 9, withPad: " ", startingAt: 0)
            print("\(rule.id)  \(severity) \(rule.title)")
            print("           \(rule.help)")
        }
    }
}

import Foundation
