import Foundation
@testable import DockerfileLint

func parse(_ text: String, path: String = "Dockerfile") throws -> Dockerfile {
    try DockerfileParser.parse(text, path: path)
}

func lintIDs(_ text: String, config: LintConfig = LintConfig()) throws -> [String] {
    try DockerfileLinter(config: config).lint(text: text, path: "Dockerfile").map(\.ruleID)
}

func findings(_ text: String, config: LintConfig = LintConfig()) throws -> [LintFinding] {
    try DockerfileLinter(config: config).lint(text: text, path: "Dockerfile")
}
