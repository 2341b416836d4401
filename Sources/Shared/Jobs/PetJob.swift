import Foundation

/// The `pet` job's contract shared by worker and gateway: one photo of a pet, measured for the pet
/// analyses (where the animal is, its silhouette's figures, its breed classes), and, when asked,
/// rendered as a portrait.
///
/// Params: `{"pose": "side", "portrait": "studio"}` (both optional). Result: `PetPhotoResult.json`.
public enum PetJob {
    /// The poses a photo may be tagged with (TheDogAPI's `poses` field).
    public static let poses = ["front", "back", "side", "left", "right", "top", "other"]
    /// Poses that show the body from the side (the abdominal tuck is measured in these).
    public static let sidePoses: Set<String> = ["side", "left", "right"]

    /// A portrait style: its name (`style` in requests) and what it looks like.
    public struct PortraitStyle: Sendable, Equatable {
        /// The name clients send.
        public let name: String
        /// One line on how the portrait is composed.
        public let description: String
    }

    /// The styles `POST /v1/pets/{id}/portrait` renders (`GET /v1/pets/portrait-styles`).
    public static let portraitStyles: [PortraitStyle] = [
        PortraitStyle(name: "studio", description: "Cut out onto a grey-blue studio backdrop lit from above, with a soft floor shadow"),
        PortraitStyle(name: "gradient", description: "Cut out onto a diagonal warm-to-cool colour gradient"),
        PortraitStyle(name: "vignette", description: "The photo itself, its background desaturated and darkened towards the corners"),
        PortraitStyle(name: "birthday_party", description: "Cut out onto a pink backdrop scattered with confetti"),
        PortraitStyle(name: "pack_leader", description: "Cut out onto a dusk sky over a dark hill horizon, the animal standing on the ridge"),
    ]

    /// The portrait canvas (pixels, landscape).
    public static let portraitSize = (width: 640, height: 480)
    /// JPEG quality of portraits.
    public static let portraitQuality = 90

    /// The params document of a job for a photo tagged `pose`, optionally rendering `portrait`.
    public static func params(pose: String?, portrait: String?) -> JSON {
        var members: [(String, JSON)] = []
        if let pose { members.append(("pose", .string(pose))) }
        if let portrait { members.append(("portrait", .string(portrait))) }
        return .object(members)
    }
}

/// A box in pixels of the analysed (upright) photo.
public struct PetBox: Sendable, Equatable {
    /// Left and top edge.
    public var x: Int, y: Int
    /// Size.
    public var width: Int, height: Int

    /// Creates a box.
    public init(x: Int, y: Int, width: Int, height: Int) { self.x = x; self.y = y; self.width = width; self.height = height }

    /// `{x, y, width, height}`.
    public var json: JSON { ["x": .int(x), "y": .int(y), "width": .int(width), "height": .int(height)] }

    /// Reads `{x, y, width, height}`.
    public init?(json: JSON?) {
        guard let json, let x = json["x"]?.intValue, let y = json["y"]?.intValue,
              let width = json["width"]?.intValue, let height = json["height"]?.intValue else { return nil }
        self.init(x: x, y: y, width: width, height: height)
    }
}

/// Figures measured in an animal's silhouette mask (all lengths in pixels of the analysed photo).
///
/// The body axis is the mask's principal axis. "Depth" is the torso's extent across the axis
/// (back to belly in a side view, flank to flank in a top view), measured only where no leg
/// continues it. These are geometry, not anatomy: the API reports them so a client can see
/// what a score came from.
public struct SilhouetteFigures: Sendable, Equatable {
    /// The body axis's angle from the horizontal, degrees.
    public var axisAngle: Double
    /// The silhouette's extent along the axis.
    public var length: Double
    /// The torso's length: between the front and the hind legs in a side view, the whole
    /// axis minus head and tail ends in a top view.
    public var torsoLength: Double
    /// The deepest torso depth in the front half of the torso (the chest / ribs).
    public var chestDepth: Double
    /// The shallowest torso depth in the rear half of the torso (the waist / abdominal tuck).
    public var waistDepth: Double
    /// Mask pixels.
    public var area: Int

    /// Creates figures.
    public init(axisAngle: Double, length: Double, torsoLength: Double, chestDepth: Double, waistDepth: Double, area: Int) {
        self.axisAngle = axisAngle; self.length = length; self.torsoLength = torsoLength
        self.chestDepth = chestDepth; self.waistDepth = waistDepth; self.area = area
    }

    /// `waistDepth / chestDepth`: below 1 a visible tuck or waist, about 1 none.
    public var tuckRatio: Double { chestDepth > 0 ? waistDepth / chestDepth : 0 }
    /// `chestDepth / length`: how deep the body is for the silhouette's length (the torso length
    /// moves with where the legs are read, the whole length does not).
    public var depthRatio: Double { length > 0 ? chestDepth / length : 0 }

    /// The figures document (with the two ratios).
    public var json: JSON {
        ["axis_angle": .double(Self.rounded(axisAngle)), "length": .double(Self.rounded(length)),
         "torso_length": .double(Self.rounded(torsoLength)), "chest_depth": .double(Self.rounded(chestDepth)),
         "waist_depth": .double(Self.rounded(waistDepth)), "area": .int(area),
         "tuck_ratio": .double(Self.rounded(tuckRatio, 1000)), "depth_ratio": .double(Self.rounded(depthRatio, 1000))]
    }

    /// Reads a figures document.
    public init?(json: JSON?) {
        guard let json, let angle = json["axis_angle"]?.doubleValue, let length = json["length"]?.doubleValue,
              let torso = json["torso_length"]?.doubleValue, let chest = json["chest_depth"]?.doubleValue,
              let waist = json["waist_depth"]?.doubleValue, let area = json["area"]?.intValue else { return nil }
        self.init(axisAngle: angle, length: length, torsoLength: torso, chestDepth: chest, waistDepth: waist, area: area)
    }

    static func rounded(_ value: Double, _ scale: Double = 10) -> Double { (value * scale).rounded() / scale }
}

/// What a worker measured in one pet photo.
public struct PetPhotoResult: Sendable, Equatable {
    /// One ImageNet class with its probability (softmax over all 1000 classes).
    public struct ClassScore: Sendable, Equatable {
        /// ImageNet class index.
        public var classIndex: Int
        /// Probability.
        public var probability: Double
        /// Creates a score.
        public init(classIndex: Int, probability: Double) { self.classIndex = classIndex; self.probability = probability }
    }

    /// The analysed photo's size (upright, as decoded for analysis).
    public var width: Int, height: Int
    /// Summed probability of ImageNet's dog classes (151–268).
    public var dogProbability: Double
    /// Summed probability of ImageNet's domestic cat classes (281–285).
    public var catProbability: Double
    /// The dog classes, most probable first (at most 10, those ≥ 0.001).
    public var dogClasses: [ClassScore]
    /// Whether an animal was found and localised (false: no mask, no figures).
    public var found: Bool
    /// The animal's bounding box.
    public var box: PetBox?
    /// The mask's share of the photo.
    public var maskFraction: Double
    /// How the animal was localised (model and refinement).
    public var localisationMethod: String
    /// 0…1: how much the localisation is to be trusted (documented heuristic).
    public var localisationConfidence: Double
    /// The silhouette's figures, when the mask supports them.
    public var silhouette: SilhouetteFigures?
    /// How the silhouette was read (`side`, `top`), when it was.
    public var silhouetteView: String?
    /// Why there are no figures, when there are none.
    public var silhouetteProblem: String?
    /// Share of the head end's mask pixels that are grey/white (low saturation, light), and the
    /// same share over the rest of the body: muzzle greying is the first well above the second.
    public var headGreyFraction: Double?, bodyGreyFraction: Double?
    /// The rendered portrait, when one was asked for.
    public var portrait: Portrait?

    /// A rendered portrait.
    public struct Portrait: Sendable, Equatable {
        /// The style.
        public var style: String
        /// Pixels.
        public var width: Int, height: Int
        /// The JPEG file.
        public var jpeg: [UInt8]
        /// Creates a portrait.
        public init(style: String, width: Int, height: Int, jpeg: [UInt8]) {
            self.style = style; self.width = width; self.height = height; self.jpeg = jpeg
        }
    }

    /// Creates a result.
    public init(width: Int, height: Int, dogProbability: Double, catProbability: Double, dogClasses: [ClassScore], found: Bool,
                box: PetBox?, maskFraction: Double, localisationMethod: String, localisationConfidence: Double,
                silhouette: SilhouetteFigures?, silhouetteView: String?, silhouetteProblem: String?, headGreyFraction: Double?, bodyGreyFraction: Double?,
                portrait: Portrait?) {
        self.width = width; self.height = height; self.dogProbability = dogProbability; self.catProbability = catProbability
        self.dogClasses = dogClasses; self.found = found; self.box = box; self.maskFraction = maskFraction
        self.localisationMethod = localisationMethod; self.localisationConfidence = localisationConfidence
        self.silhouette = silhouette; self.silhouetteView = silhouetteView; self.silhouetteProblem = silhouetteProblem
        self.headGreyFraction = headGreyFraction; self.bodyGreyFraction = bodyGreyFraction; self.portrait = portrait
    }

    /// The result document.
    public var json: JSON {
        func number(_ value: Double?) -> JSON { value.map { .double(SilhouetteFigures.rounded($0, 1e6)) } ?? .null }
        var members: [(String, JSON)] = [
            ("width", .int(width)), ("height", .int(height)),
            ("dog_probability", number(dogProbability)), ("cat_probability", number(catProbability)),
            ("dog_classes", .array(dogClasses.map { ["class_index": .int($0.classIndex), "probability": number($0.probability)] })),
            ("found", .bool(found)), ("box", box?.json ?? .null), ("mask_fraction", number(maskFraction)),
            ("localisation", ["method": .string(localisationMethod), "confidence": number(localisationConfidence)]),
            ("silhouette", silhouette?.json ?? .null), ("silhouette_view", silhouetteView.map { .string($0) } ?? .null),
            ("silhouette_problem", silhouetteProblem.map { .string($0) } ?? .null),
            ("head_grey_fraction", number(headGreyFraction)), ("body_grey_fraction", number(bodyGreyFraction)),
        ]
        if let portrait {
            members.append(("portrait", ["style": .string(portrait.style), "width": .int(portrait.width), "height": .int(portrait.height),
                                         "jpeg": .string(Data(portrait.jpeg).base64EncodedString())]))
        }
        return .object(members)
    }

    /// Reads a result document; nil when it is not one.
    public init?(json: JSON) {
        guard let width = json["width"]?.intValue, let height = json["height"]?.intValue,
              let dog = json["dog_probability"]?.doubleValue, let cat = json["cat_probability"]?.doubleValue,
              let classes = json["dog_classes"]?.arrayValue, let found = json["found"]?.boolValue else { return nil }
        var portrait: Portrait?
        if let item = json["portrait"], let style = item["style"]?.stringValue, let w = item["width"]?.intValue,
           let h = item["height"]?.intValue, let text = item["jpeg"]?.stringValue, let data = Data(base64Encoded: text) {
            portrait = Portrait(style: style, width: w, height: h, jpeg: [UInt8](data))
        }
        self.init(width: width, height: height, dogProbability: dog, catProbability: cat,
                  dogClasses: classes.compactMap { item in
                      guard let index = item["class_index"]?.intValue, let p = item["probability"]?.doubleValue else { return nil }
                      return ClassScore(classIndex: index, probability: p)
                  },
                  found: found, box: PetBox(json: json["box"]), maskFraction: json["mask_fraction"]?.doubleValue ?? 0,
                  localisationMethod: json["localisation"]?["method"]?.stringValue ?? "",
                  localisationConfidence: json["localisation"]?["confidence"]?.doubleValue ?? 0,
                  silhouette: SilhouetteFigures(json: json["silhouette"]), silhouetteView: json["silhouette_view"]?.stringValue,
                  silhouetteProblem: json["silhouette_problem"]?.stringValue,
                  headGreyFraction: json["head_grey_fraction"]?.doubleValue, bodyGreyFraction: json["body_grey_fraction"]?.doubleValue,
                  portrait: portrait)
    }
}
