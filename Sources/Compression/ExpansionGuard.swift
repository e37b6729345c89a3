/// Limits on how far a layer may expand, so a decompression bomb is stopped before it costs time or disk.
public struct ExpansionLimits: Sendable, Equatable {
    /// Largest uncompressed size of one layer.
    public var maxLayerBytes: Int64
    /// Largest uncompressed/compressed ratio, checked once the output passes `ratioGraceBytes`.
    public var maxRatio: Double
    /// Output below this size never trips the ratio check: small, very compressible layers are normal.
    public var ratioGraceBytes: Int64

    public init(maxLayerBytes: Int64 = 32 << 30, maxRatio: Double = 250, ratioGraceBytes: Int64 = 64 << 20) {
        self.maxLayerBytes = maxLayerBytes
        self.maxRatio = maxRatio
        self.ratioGraceBytes = ratioGraceBytes
    }

    public static let `default` = ExpansionLimits()

    /// Throws when `produced` bytes from `consumed` compressed bytes break a limit.
    public func check(consumed: Int64, produced: Int64) throws(CompressionError) {
        if produced > maxLayerBytes {
            throw CompressionError(.expansionLimit,
                "layer expands beyond \(maxLayerBytes) bytes (possible decompression bomb); raise --max-layer-size if this is expected")
        }
        if produced > ratioGraceBytes, consumed > 0, Double(produced) / Double(consumed) > maxRatio {
            throw CompressionError(.expansionLimit,
                "layer expands more than \(Int(maxRatio))x (possible decompression bomb); raise --max-expansion-ratio if this is expected")
        }
    }
}
