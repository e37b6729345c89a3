/// The Poly1305 one-time authenticator (D. J. Bernstein; RFC 8439 §2.5), as NaCl's `crypto_onetimeauth`.
///
/// Arithmetic modulo 2^130 − 5 on five 26-bit limbs with 64-bit products (the layout of Andrew Moon's
/// poly1305-donna-32), so it needs no 128-bit integers and takes time independent of the data.
enum Poly1305 {
    private static let limbMask: UInt32 = 0x3FF_FFFF

    /// The 16-byte tag of `message` under the one-time `key` (32 bytes: r, then s).
    static func tag(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        precondition(key.count == 32, "Poly1305 takes a 32-byte one-time key")
        // r, clamped as the specification requires, split into 26-bit limbs.
        let r0 = load32(key, 0) & 0x3FF_FFFF
        let r1 = (load32(key, 3) >> 2) & 0x3FF_FF03
        let r2 = (load32(key, 6) >> 4) & 0x3FF_C0FF
        let r3 = (load32(key, 9) >> 6) & 0x3F0_3FFF
        let r4 = (load32(key, 12) >> 8) & 0x00F_FFFF
        let s1 = UInt64(r1 * 5), s2 = UInt64(r2 * 5), s3 = UInt64(r3 * 5), s4 = UInt64(r4 * 5)
        let (w0, w1, w2, w3, w4) = (UInt64(r0), UInt64(r1), UInt64(r2), UInt64(r3), UInt64(r4))

        var h0: UInt32 = 0, h1: UInt32 = 0, h2: UInt32 = 0, h3: UInt32 = 0, h4: UInt32 = 0
        var offset = 0
        while offset < message.count {
            // A full block gets the 2^128 bit; the last, partial one gets a 1 byte after the data instead.
            var block = [UInt8](repeating: 0, count: 17)
            let length = min(16, message.count - offset)
            block.replaceSubrange(0..<length, with: message[offset..<offset + length])
            block[length] = 1
            let highBit: UInt32 = length == 16 ? 1 << 24 : 0
            offset += length

            h0 &+= load32(block, 0) & limbMask
            h1 &+= (load32(block, 3) >> 2) & limbMask
            h2 &+= (load32(block, 6) >> 4) & limbMask
            h3 &+= (load32(block, 9) >> 6) & limbMask
            h4 &+= (load32(block, 12) >> 8) | highBit

            // h *= r (mod 2^130 - 5); the limbs above 2^130 fold back multiplied by 5 (the s values).
            let d0 = UInt64(h0) * w0 + UInt64(h1) * s4 + UInt64(h2) * s3 + UInt64(h3) * s2 + UInt64(h4) * s1
            var d1 = UInt64(h0) * w1 + UInt64(h1) * w0 + UInt64(h2) * s4 + UInt64(h3) * s3 + UInt64(h4) * s2
            var d2 = UInt64(h0) * w2 + UInt64(h1) * w1 + UInt64(h2) * w0 + UInt64(h3) * s4 + UInt64(h4) * s3
            var d3 = UInt64(h0) * w3 + UInt64(h1) * w2 + UInt64(h2) * w1 + UInt64(h3) * w0 + UInt64(h4) * s4
            var d4 = UInt64(h0) * w4 + UInt64(h1) * w3 + UInt64(h2) * w2 + UInt64(h3) * w1 + UInt64(h4) * w0

            var carry = d0 >> 26
            h0 = UInt32(truncatingIfNeeded: d0) & limbMask
            d1 += carry
            carry = d1 >> 26
            h1 = UInt32(truncatingIfNeeded: d1) & limbMask
            d2 += carry
            carry = d2 >> 26
            h2 = UInt32(truncatingIfNeeded: d2) & limbMask
            d3 += carry
            carry = d3 >> 26
            h3 = UInt32(truncatingIfNeeded: d3) & limbMask
            d4 += carry
            carry = d4 >> 26
            h4 = UInt32(truncatingIfNeeded: d4) & limbMask
            h0 &+= UInt32(truncatingIfNeeded: carry) &* 5
            let c0 = h0 >> 26
            h0 &= limbMask
            h1 &+= c0
        }

        // Fully carry h.
        var c = h1 >> 26
        h1 &= limbMask
        h2 &+= c
        c = h2 >> 26
        h2 &= limbMask
        h3 &+= c
        c = h3 >> 26
        h3 &= limbMask
        h4 &+= c
        c = h4 >> 26
        h4 &= limbMask
        h0 &+= c &* 5
        c = h0 >> 26
        h0 &= limbMask
        h1 &+= c

        // g = h + 5 - 2^130; take g when it did not go negative (h >= p), without branching.
        var g0 = h0 &+ 5
        c = g0 >> 26
        g0 &= limbMask
        var g1 = h1 &+ c
        c = g1 >> 26
        g1 &= limbMask
        var g2 = h2 &+ c
        c = g2 >> 26
        g2 &= limbMask
        var g3 = h3 &+ c
        c = g3 >> 26
        g3 &= limbMask
        var g4 = h4 &+ c &- (1 << 26)
        var select = (g4 >> 31) &- 1  // all ones when g4 is non-negative
        g0 &= select
        g1 &= select
        g2 &= select
        g3 &= select
        g4 &= select
        select = ~select
        h0 = (h0 & select) | g0
        h1 = (h1 & select) | g1
        h2 = (h2 & select) | g2
        h3 = (h3 & select) | g3
        h4 = (h4 & select) | g4

        // h mod 2^128, then + s.
        let t0 = h0 | h1 << 26
        let t1 = h1 >> 6 | h2 << 20
        let t2 = h2 >> 12 | h3 << 14
        let t3 = h3 >> 18 | h4 << 8
        var f = UInt64(t0) + UInt64(load32(key, 16))
        let o0 = UInt32(truncatingIfNeeded: f)
        f = UInt64(t1) + UInt64(load32(key, 20)) + (f >> 32)
        let o1 = UInt32(truncatingIfNeeded: f)
        f = UInt64(t2) + UInt64(load32(key, 24)) + (f >> 32)
        let o2 = UInt32(truncatingIfNeeded: f)
        f = UInt64(t3) + UInt64(load32(key, 28)) + (f >> 32)
        let o3 = UInt32(truncatingIfNeeded: f)

        var tag: [UInt8] = []
        tag.reserveCapacity(16)
        for word in [o0, o1, o2, o3] {
            tag.append(UInt8(truncatingIfNeeded: word))
            tag.append(UInt8(truncatingIfNeeded: word >> 8))
            tag.append(UInt8(truncatingIfNeeded: word >> 16))
            tag.append(UInt8(truncatingIfNeeded: word >> 24))
        }
        return tag
    }

    /// Whether `tag` is the tag of `message`, compared in constant time.
    static func verify(_ tag: [UInt8], for message: [UInt8], key: [UInt8]) -> Bool {
        constantTimeEqual(tag, Self.tag(message, key: key))
    }

    /// Byte-wise equality whose time depends only on the lengths.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices {
            difference |= lhs[index] ^ rhs[index]
        }
        return difference == 0
    }

    private static func load32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }
}
