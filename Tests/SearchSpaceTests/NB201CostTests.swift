import XCTest
@testable import SearchSpace

final class NB201CostTests: XCTestCase {
  func testPublishedSpotValues() throws {
    // Spec A5/A6 and the NB-vis comment "flops 78.56, params 0.559" for the ResNet-like cell.
    XCTAssertEqual(try NB201Cost(index: 11_472, dataset: .cifar10), NB201Cost(macs: 78_561_930, params: 559_386))
    XCTAssertEqual(try NB201Cost(index: 1, dataset: .cifar10), NB201Cost(macs: 113_951_370, params: 802_426))
    XCTAssertEqual(try NB201Cost(index: 1, dataset: .imagenet16_120), NB201Cost(macs: 28_495_480, params: 809_576))
    let c0 = try NB201Cost(index: 0, dataset: .cifar10)
    XCTAssertEqual(c0.params, 129_306)
    XCTAssertEqual(c0.megaMACs, 15.6474, accuracy: 0.00005)
    XCTAssertEqual(try NB201Cost(index: 11_472, dataset: .cifar10).megaMACs, 78.56, accuracy: 0.005)
  }

  /// Spec A5 closed form: constant + per-edge costs, used as the naive reference for every cell.
  func closedForm(_ cell: NB201Cell, _ dataset: NB201Dataset) -> NB201Cost {
    let n3 = cell.count(of: .conv3x3), n1 = cell.count(of: .conv1x1)
    let (base, per3, per1): (Int, Int, Int)
    switch dataset {
    case .cifar10: (base, per3, per1) = (7_783_050, 35_389_440, 3_932_160)
    case .cifar100: (base, per3, per1) = (7_788_900, 35_389_440, 3_932_160)
    case .imagenet16_120: (base, per3, per1) = (1_953_400, 8_847_360, 983_040)
    }
    let p0 = [NB201Dataset.cifar10: 73_306, .cifar100: 79_156, .imagenet16_120: 80_456][dataset] ?? -1
    return NB201Cost(macs: base + per3 * n3 + per1 * n1, params: p0 + 243_040 * n3 + 28_000 * n1)
  }

  func testClosedFormAndRangesForAllCells() throws {
    let cells = NB201Index.allCells
    for dataset in NB201Dataset.allCases {
      var minMACs = Int.max, maxMACs = 0, minParams = Int.max, maxParams = 0
      for cell in cells {
        let cost = cell.cost(on: dataset)
        XCTAssertEqual(cost, closedForm(cell, dataset), "\(cell.archString) \(dataset)")
        minMACs = min(minMACs, cost.macs); maxMACs = max(maxMACs, cost.macs)
        minParams = min(minParams, cost.params); maxParams = max(maxParams, cost.params)
      }
      // Spec A5 ranges table.
      switch dataset {
      case .cifar10:
        XCTAssertEqual([minMACs, maxMACs, minParams, maxParams], [7_783_050, 220_119_690, 73_306, 1_531_546])
      case .cifar100:
        XCTAssertEqual([minMACs, maxMACs, minParams, maxParams], [7_788_900, 220_125_540, 79_156, 1_537_396])
      case .imagenet16_120:
        XCTAssertEqual([minMACs, maxMACs, minParams, maxParams], [1_953_400, 55_037_560, 80_456, 1_538_696])
      }
    }
  }

  func testAllConv3x3IsLargest() throws {
    XCTAssertEqual(try NB201Cost(index: 1462, dataset: .cifar10).macs, 220_119_690)
    XCTAssertEqual(try NB201Cost(index: 1651, dataset: .cifar10).macs, 7_783_050)  // all none
    XCTAssertEqual(try NB201Cost(index: 1835, dataset: .cifar10).macs, 7_783_050)  // all skip
  }

  func testLiveOnlyDropsDeadConvs() throws {
    // 330003: the conv on 1←0 only feeds `none` edges, so a pruning runtime drops it.
    let cell = try XCTUnwrap(NB201Cell(codes: [3, 3, 0, 0, 0, 3]))
    let all = NB201Cost(cell: cell, dataset: .cifar10)
    let live = NB201Cost(cell: cell, dataset: .cifar10, liveOnly: true)
    XCTAssertEqual(all.macs - live.macs, 35_389_440)
    XCTAssertEqual(all.params - live.params, 243_040)
    // A disconnected cell keeps only the skeleton.
    let dead = try XCTUnwrap(NB201Cell(codes: [3, 3, 3, 0, 0, 0]))
    XCTAssertEqual(NB201Cost(cell: dead, dataset: .cifar10, liveOnly: true).macs, 7_783_050)
  }
}
