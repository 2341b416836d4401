import Shared

/// `pet`: one photo of a pet, upright and shrunk to `analysisSide` on its long side: the animal
/// localised (`AnimalLocaliser`), its silhouette measured for the pose the photo is tagged with
/// (`SilhouetteMeasurer`), its dog classes, and the portrait when the params ask for one
/// (`PortraitRenderer`). Result: `PetPhotoResult`.
struct PetHandler: JobHandler {
    /// The shared localiser (MobileNetV2 and its sessions).
    let localiser: AnimalLocaliser
    /// Pixel limit checked from the header before decoding.
    let maxPixels: Int
    /// Logic version and model fingerprint (see `JobHandler.resultVersion`).
    let resultVersion: String?
    /// Serves `pet`.
    let jobKind = JobKind.pet
    /// The long side photos are analysed at.
    static let analysisSide = 640

    func run(_ job: RunningJob) throws -> JSON {
        guard let bytes = job.blob else { throw JobError.blobMissing }
        let pose = job.params["pose"]?.stringValue, style = job.params["portrait"]?.stringValue
        if let pose, !PetJob.poses.contains(pose) {
            throw JobError.permanent(JobErrorCode.badParams, "pose must be one of \(PetJob.poses.joined(separator: ", "))")
        }
        if let style, !PetJob.portraitStyles.contains(where: { $0.name == style }) {
            throw JobError.permanent(JobErrorCode.badParams, PortraitRenderer.UnknownStyle(style: style).description)
        }
        let header = try ImageDecoder.readHeader(bytes, maxPixels: maxPixels)
        let width = header.orientedWidth, height = header.orientedHeight
        let target = DecodeOptions.fittedSize(width: width, height: height, maxSide: Self.analysisSide)
        let options = DecodeOptions(maxPixels: maxPixels, minimumShortSide: DecodeOptions.fastShortSide(width: width, height: height, covering: target),
                                    applyOrientation: true)
        let image = try ImageDecoder.decode(bytes, options: options).image.shrunk(toFit: Self.analysisSide)
        let location = try localiser.locate(image)
        let dogClasses = (151...268).map { PetPhotoResult.ClassScore(classIndex: $0, probability: Double(location.probabilities[$0])) }
            .filter { $0.probability >= 0.001 }.sorted { $0.probability > $1.probability }.prefix(10)
        var measurement = SilhouetteMeasurer.Measurement(problem: "no dog or cat was found in the photo")
        var portrait: PetPhotoResult.Portrait?
        if location.found {
            measurement = SilhouetteMeasurer.measure(mask: location.mask, image: image, pose: pose)
            if let style { portrait = try PortraitRenderer.renderJPEG(image: image, mask: location.mask, style: style) }
        }
        let box = location.found ? location.mask.boundingBox : nil
        return PetPhotoResult(width: image.width, height: image.height, dogProbability: Double(location.dogProbability),
                              catProbability: Double(location.catProbability), dogClasses: Array(dogClasses), found: location.found,
                              box: box, maskFraction: Double(location.mask.area) / Double(max(1, image.width * image.height)),
                              localisationMethod: location.method, localisationConfidence: Double(location.confidence),
                              silhouette: measurement.figures, silhouetteView: measurement.view?.rawValue,
                              silhouetteProblem: measurement.problem,
                              headGreyFraction: measurement.headGreyFraction, bodyGreyFraction: measurement.bodyGreyFraction,
                              portrait: portrait).json
    }
}
