// libFuzzer entry point for helpprof's file parsers. Built by fuzz/build.sh into one binary together with the
// parser sources (no package build needed). The first input byte selects the parser:
//   0: safetensors / predictor file (TensorFile + format/checksum checks + predictor metadata)
//   1: device profile JSON (DeviceProfile.decode)
//   2: measurements CSV (MeasurementsCSV.parse)
//   3: strict number syntax (StrictNumber) and the JSON depth scan of predictor metadata
//   4: profile CSV rows (ProfileRow(csvLine:), 25 columns or the 19-column legacy form)
// Invariants checked (a violation traps, which libFuzzer reports as a crash):
//   - a file that parses re-serialises to bytes that parse to an equal TensorFile;
//   - a device profile that decodes re-encodes to JSON that decodes and validates again;
//   - CSV rows that parse re-format to text that parses to the same rows, with latencies in the plausible range;
//   - a strict decimal parses with Double() to the same value, and a finite one prints back to strict text;
//   - a profile row that parses re-formats (in its own column form) to a line that parses to the same arch.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  guard let selector = bytes.first else { return 0 }
  let body = Array(bytes.dropFirst())
  switch selector % 5 {
  case 0: fuzzTensorFile(body)
  case 1: fuzzDeviceProfile(body)
  case 2: fuzzMeasurementsCSV(body)
  case 3: fuzzStrictNumber(body)
  default: fuzzProfileRow(body)
  }
  return 0
}

func fuzzTensorFile(_ body: [UInt8]) {
  guard let file = try? TensorFile(bytes: body) else { return }
  _ = try? file.verifyChecksum()
  _ = try? file.verifyFormat(name: "helpprof-predictor", supportedVersion: 2)
  _ = try? file.verifyLayout(["w": [1]])
  for t in file.tensors.values {
    _ = t.doubleValues()
    _ = t.floatValues()
    _ = try? t.int64Values()
  }
  fuzzPredictorMetadata(file)
  guard let again = try? file.serialized() else { fatalError("a parsed file failed to serialise") }
  guard let reparsed = try? TensorFile(bytes: again), reparsed == file else {
    fatalError("serialise(parse(x)) does not parse back to the same file")
  }
}

func fuzzDeviceProfile(_ body: [UInt8]) {
  guard let profile = try? DeviceProfile.decode(Data(body)) else { return }
  _ = profile.isComplete
  _ = profile.referenceMedians
  guard let data = try? profile.encoded(), (try? DeviceProfile.decode(data)) != nil else {
    fatalError("a valid device profile does not survive encode/decode")
  }
}

func fuzzMeasurementsCSV(_ body: [UInt8]) {
  guard let rows = try? MeasurementsCSV.parse(String(decoding: body, as: UTF8.self)) else { return }
  let text = MeasurementsCSV.format(rows)
  guard let back = try? MeasurementsCSV.parse(text), back.count == rows.count else {
    fatalError("measurement rows do not survive format/parse")
  }
  guard rows.allSatisfy({ MeasurementsCSV.plausibleMs.contains($0.latencyMs) }) else {
    fatalError("a latency outside the plausible range was accepted")
  }
}

func fuzzStrictNumber(_ body: [UInt8]) {
  let text = String(decoding: body, as: UTF8.self)
  _ = jsonDepthForFuzz(text)
  if let i = StrictNumber.int(text) {
    guard StrictNumber.double(text) != nil, String(i) == text || text == "-0" else { fatalError("strict int '\(text)' is not canonical") }
  }
  guard let v = StrictNumber.double(text) else { return }
  guard let plain = Double(text), plain == v || (plain.isNaN && v.isNaN) else { fatalError("strict '\(text)' differs from Double()") }
  guard !text.contains(where: { !"0123456789+-.eE".contains($0) }) else { fatalError("strict '\(text)' has a foreign character") }
  if v.isFinite, StrictNumber.double(String(v)) != v { fatalError("\(v) does not print back to strict text") }
}

func fuzzProfileRow(_ body: [UInt8]) {
  for line in String(decoding: body, as: UTF8.self).split(separator: "\n") {
    guard let row = try? ProfileRow(csvLine: String(line)) else { continue }
    let legacy = (try? CSV.split(String(line)))?.count == ProfileRow.legacyColumnCount
    guard let back = try? ProfileRow(csvLine: row.csvLine(legacy: legacy)),
          back.archIndex == row.archIndex, back.archString == row.archString, back.device == row.device,
          back.n == row.n, back.samplesMs.count == row.samplesMs.count else {
      fatalError("a profile row does not survive csvLine/parse")
    }
  }
}
