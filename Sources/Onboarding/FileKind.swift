import Foundation
#if canImport(SafeIO)
import SafeIO
#endif

/// Which helpprof file a path holds, judged from its first bytes, for "wrong kind of file" messages: a device
/// profile passed as `--predictor` used to be reported as a safetensors header length of 7e18.
public enum FileKind {
  /// A phrase ("this is a device profile ..., not a predictor file: ...") saying what the file at `path` is when it is a helpprof JSON file (device profile, profile
  /// sidecar) rather than `expected`; nil when it is not recognised (the caller's own error then stands).
  public static func wrongKindHint(_ path: String, expected: String) -> String? {
    guard let bytes = try? ReadFile.bytes(path, limit: 1 << 26),
          let first = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }), first == 0x7B,
          let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any],
          let format = object["format"] as? String else { return nil }
    if format == DeviceProfile.formatName {
      return "this is a device profile (written by `helpprof embed`), not \(expected): "
        + "make a predictor from it with `helpprof adapt --profile \(path)`"
    }
    if format.hasPrefix("helpprof-profile") {
      return "this is a profile sidecar (written by `helpprof profile`), not \(expected)"
    }
    return nil
  }
}
