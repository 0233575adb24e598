/// The official NAS-Bench-201 index 0…15624 of every cell (NB-main `generate_meta_info`, spec A4).
///
/// Cells are enumerated in base-5 order of their op codes with e0 most significant (the *base index*
/// b = o(e0)·5⁵ + … + o(e5)), then shuffled with CPython `random.seed(88); random.shuffle(list)`;
/// the NB201 index is the position in the shuffled list. The order is recomputed once, lazily and
/// thread-safely (a static let), with `MersenneTwister` — no table ships in the source.
/// HW-NAS-Bench and HELP use the same index.
public enum NB201Index {
  /// Number of cells, 5⁶.
  public static let count = 15_625
  /// The valid index range, 0...15624.
  public static let range = 0...(count - 1)
  /// The seed NB201 passes to `random.seed` before shuffling.
  public static let shuffleSeed: UInt64 = 88

  /// position (NB201 index) → base index.
  private static let baseByIndex: [Int] = {
    var order = Array(0..<count)
    var rng = MersenneTwister(seed: shuffleSeed)
    rng.shuffle(&order)
    return order
  }()

  /// base index → position (NB201 index).
  private static let indexByBase: [Int] = {
    var inverse = [Int](repeating: 0, count: count)
    for (i, b) in baseByIndex.enumerated() { inverse[b] = i }
    return inverse
  }()

  /// The cell at NB201 index `index`; throws `index 20000 out of range: expected 0...15624`.
  public static func cell(at index: Int) throws -> NB201Cell {
    guard range.contains(index) else {
      throw SearchSpaceError("index \(index) out of range: expected \(range.lowerBound)...\(range.upperBound)")
    }
    return cell(baseIndex: baseByIndex[index])
  }

  /// The NB201 index of `cell`.
  public static func index(of cell: NB201Cell) -> Int { indexByBase[baseIndex(of: cell)] }

  /// The base-5 enumeration position of `cell` (e0 most significant digit).
  public static func baseIndex(of cell: NB201Cell) -> Int {
    cell.ops.reduce(0) { $0 * 5 + $1.rawValue }
  }

  /// The cell whose base-5 digits are `baseIndex` (0...15624; out-of-range values wrap digit-wise).
  static func cell(baseIndex: Int) -> NB201Cell {
    var v = baseIndex
    var ops = [NB201Op](repeating: .none, count: 6)
    for k in stride(from: 5, through: 0, by: -1) {
      ops[k] = NB201Op(rawValue: v % 5) ?? .none
      v /= 5
    }
    return NB201Cell(uncheckedOps: ops)
  }

  /// All 15,625 cells in NB201 index order.
  public static var allCells: [NB201Cell] { baseByIndex.map { cell(baseIndex: $0) } }
}

extension NB201Cell {
  /// Creates a cell from six ops known to be six.
  init(uncheckedOps ops: [NB201Op]) {
    guard let cell = NB201Cell(ops: ops) else { preconditionFailure("NB201 cell needs 6 ops, got \(ops.count)") }
    self = cell
  }

  /// The cell whose base-5 enumeration position (e0 most significant digit) is `baseIndex`;
  /// throws when it is outside 0...15624.
  public init(baseIndex: Int) throws {
    guard NB201Index.range.contains(baseIndex) else {
      throw SearchSpaceError("base index \(baseIndex) out of range: expected 0...15624")
    }
    self = NB201Index.cell(baseIndex: baseIndex)
  }

  /// The official NB201 index of this cell.
  public var nb201Index: Int { NB201Index.index(of: self) }

  /// The cell at NB201 index `nb201Index`; throws when the index is outside 0...15624.
  public init(nb201Index: Int) throws {
    self = try NB201Index.cell(at: nb201Index)
  }
}
