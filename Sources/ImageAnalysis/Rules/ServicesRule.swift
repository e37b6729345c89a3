import Foundation
import LayerFS
import OCIImage
import OCIModel
import Compression
/// Exposed ports of more than one kind of service (one app per image), and SSH.
struct ServicesRule: ImageRule {
    static let serviceByPort: [Int: String] = [
        80: "web", 443: "web", 8080: "web", 8443: "web", 8000: "web", 3000: "web", 5000: "web",
        5432: "PostgreSQL", 3306: "MySQL", 27017: "MongoDB", 6379: "Redis", 9200: "Elasticsearch", 11211: "memcached",
        1521: "Oracle", 1433: "SQL Server", 5672: "RabbitMQ", 9092: "Kafka", 2181: "ZooKeeper",
        22: "SSH", 21: "FTP", 23: "telnet", 25: "SMTP", 53: "DNS", 389: "LDAP",
    ]

    func findings(in context: ImageContext) -> [Finding] {
        let ports = (context.image.config.config?.exposedPorts ?? [:]).keys.compactMap { Int($0.split(separator: "/").first ?? "") }.sorted()
        let services = Set(ports.compactMap { Self.serviceByPort[$0] })
        var findings: [Finding] = []
        if services.count > 1 {
            let list = ports.map { port in Self.serviceByPort[port].map { "\(port) (\($0))" } ?? String(port) }.joined(separator: ", ")
            findings.append(context.configFinding(RuleCatalog.multipleServices,
                "exposed ports \(list) suggest \(services.count) services in one image; run one application per image",
                seed: "ports-" + ports.map(String.init).joined(separator: ",")))
        }
        if ports.contains(22) {
            findings.append(context.configFinding(RuleCatalog.sshExposed,
                "port 22 (SSH) is exposed: an SSH daemon beside the application breaks one-app-per-image; use kubectl exec or ephemeral containers",
                seed: "port-22"))
        }
        return findings
    }
}
