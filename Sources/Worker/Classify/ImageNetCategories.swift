/// Groups ImageNet-1k classes into the coarse categories Roost reports: "bird", "dog", "cat",
/// or "other". Indices are 0-based lines of `models/imagenet_labels.txt` (ILSVRC2012 order).
///
/// - bird: 7–24 (cock … great grey owl), 80–100 (black grouse … black swan),
///   127–146 (white stork … albatross). 59 classes; every bird in ImageNet-1k, no others.
/// - dog: 151–268 (Chihuahua … Mexican hairless): the 118 domestic breeds. Wolves, foxes, the
///   dingo, dhole and African hunting dog (269–280) are wild canids and stay "other".
/// - cat: 281–285 (tabby, tiger cat, Persian, Siamese, Egyptian cat): domestic cats only; the
///   big cats (286–293: cougar, lynx, leopard, …) stay "other".
///
/// The rule (`category(forTop:probabilities:)`): sum the softmax probability of each set; the
/// set with the largest sum is the category when that sum is (a) at least the top-1 class's
/// probability and (b) at least `minimumProbability` (0.25); otherwise the category is "other".
/// Read (a) as "this kind of animal, taken as a whole, is at least as likely as the single most
/// likely class": a photo whose probability is spread over many dog breeds is still "dog" even
/// when no single breed wins, and a top-1 class inside a set passes (a) by construction. (b)
/// keeps a diffuse, unsure prediction from becoming "dog" merely because the dog set is the
/// largest (118 classes). A set holding more than half of the probability always wins.
public enum ImageNetCategories {
    /// Bird classes: 7–24, 80–100 and 127–146.
    public static let birds: [ClosedRange<Int>] = [7...24, 80...100, 127...146]
    /// Domestic dog breeds: 151–268.
    public static let dogs: [ClosedRange<Int>] = [151...268]
    /// Domestic cats: 281–285.
    public static let cats: [ClosedRange<Int>] = [281...285]

    /// The smallest summed probability that makes a category (rule (b) above).
    public static let minimumProbability = 0.25

    /// The categories in the order ties are broken.
    public static let all: [(name: String, ranges: [ClosedRange<Int>])] = [
        ("bird", birds), ("dog", dogs), ("cat", cats),
    ]

    /// The category whose classes include `index` ("bird", "dog", "cat"), or "other".
    public static func category(ofClass index: Int) -> String {
        all.first { $0.ranges.contains { $0.contains(index) } }?.name ?? "other"
    }

    /// The category of a prediction whose most probable class is `top`, by the rule above.
    /// - Parameters:
    ///   - top: Index of the most probable class.
    ///   - probabilities: Softmax probabilities of all 1000 classes.
    public static func category(forTop top: Int, probabilities: [Double]) -> String {
        precondition(probabilities.count >= 1000, "expected ImageNet-1k probabilities")
        var best = (name: "other", sum: -1.0)
        for (name, ranges) in all {
            let sum = ranges.reduce(0.0) { total, range in total + range.reduce(0.0) { $0 + probabilities[$1] } }
            if sum > best.sum { best = (name, sum) }
        }
        return best.sum >= probabilities[top] && best.sum >= minimumProbability ? best.name : "other"
    }
}
