/// Percent-encoding for a part of an address (a query value, a path segment).
public enum URLEncoding {
    private static let unreserved: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~".utf8 { table[Int(byte)] = true }
        return table
    }()

    /// Everything but unreserved ASCII (RFC 3986) written as `%XX` of its UTF-8 bytes, so the
    /// result is safe anywhere in a URL: non-ASCII letters too, which Foundation's
    /// `.alphanumerics` would leave raw.
    public static func component(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if unreserved[Int(byte)] {
                bytes.append(byte)
            } else {
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
