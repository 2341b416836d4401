/// Facts about dogs (`/v1/facts`): general ones (species 1) and breed ones (with the breed's id).
/// Curated for Roost; ids are stable strings, `slug` is made from the title.
enum DogFacts {
    /// (id, breed id or nil, title, fact).
    static let all: [(id: String, breedID: Int?, title: String, fact: String)] = [
        ("f001", nil, "A nose for it", "A dog's nose has up to 300 million scent receptors, against about 6 million in a human's."),
        ("f002", nil, "Noseprints", "The pattern of ridges on a dog's nose leather is unique to each dog, like a fingerprint."),
        ("f003", nil, "Sweating through paws", "Dogs sweat mainly through the pads of their feet; panting does most of their cooling."),
        ("f004", nil, "Hearing", "Dogs hear sounds up to about 45,000 Hz, far above the 20,000 Hz limit of human hearing."),
        ("f005", nil, "Colour vision", "Dogs see colour, but with two kinds of cone instead of three: blues and yellows stand out, reds and greens do not."),
        ("f006", nil, "Puppy teeth", "Puppies have 28 milk teeth; adult dogs have 42."),
        ("f007", nil, "Three eyelids", "Dogs have a third eyelid, the nictitating membrane, which keeps the eye moist and protected."),
        ("f008", nil, "Domestication", "Dogs were the first domesticated animal, living alongside people for at least 15,000 years."),
        ("f009", nil, "Whiskers", "A dog's whiskers sense changes in air currents and help it judge nearby objects in the dark."),
        ("f010", nil, "Body temperature", "A healthy dog's normal body temperature is about 38 to 39 °C (101 to 102.5 °F), higher than a person's."),
        ("f011", nil, "Curled-up sleeping", "Dogs curl up to sleep to keep warm and to protect their vital organs, an instinct from their wild ancestors."),
        ("f012", nil, "Tail wagging", "Dogs tend to wag more to the right when they are happy and more to the left when they are anxious."),
        ("f013", 11, "Beagle's voice", "Beagles have three distinct vocalisations: the bark, the howl and the bay, used by hunters to follow the pack."),
        ("f014", 17, "Bloodhound evidence", "The Bloodhound's tracking is so reliable that its trailing results have been accepted as evidence in court."),
        ("f015", 9, "The barkless dog", "The Basenji does not bark like other dogs; its larynx shape makes it yodel instead."),
        ("f016", 34, "Blue tongue", "The Chow Chow is known for its blue-black tongue, which it shares with the Chinese Shar-Pei."),
        ("f017", 76, "Water rescuer", "The Newfoundland has a water-resistant double coat and webbed feet, and is a strong swimmer used in water rescue."),
        ("f018", 49, "The flying trot", "The German Shepherd's efficient trot covers ground with long strides, suited to herding and police work."),
        ("f019", 103, "The poodle clip", "The Poodle's traditional show clip began as a working cut: hair left over the joints and chest kept the water retriever warm."),
        ("f020", 90, "Alpine rescuer", "Saint Bernards were kept by the monks of the Great St Bernard Hospice to find travellers lost in the snow."),
        ("f021", 61, "Tallest breed", "The Irish Wolfhound is the tallest recognised dog breed, standing at least 30 inches at the shoulder."),
        ("f022", 33, "Smallest breed", "The Chihuahua is the smallest recognised dog breed, usually weighing under 6 pounds."),
        ("f023", 40, "Born white", "Dalmatian puppies are born plain white; their spots appear in the first weeks of life."),
        ("f024", 19, "Herding by eye", "Border Collies herd with an intense stare, the 'eye', that moves sheep without touching them."),
        ("f025", 99, "Serum run", "Siberian Huskies were among the sled dogs of the 1925 serum run that carried diphtheria antitoxin to Nome, Alaska."),
        ("f026", 52, "Soft mouth", "Golden Retrievers were bred for a 'soft mouth', able to carry shot game without damaging it."),
        ("f027", 68, "From Newfoundland", "Despite its name, the Labrador Retriever was developed from water dogs of Newfoundland."),
        ("f028", 115, "Fastest for its size", "Whippets can reach about 35 miles per hour, among the fastest accelerations of any dog."),
        ("f029", 92, "The Sammy smile", "The Samoyed's upturned mouth corners, the 'Sammy smile', keep drool from freezing into icicles on the face."),
        ("f030", 84, "Royal corgis", "Pembroke Welsh Corgis are famous as the favourite breed of Queen Elizabeth II, who owned more than 30 of them."),
        ("f031", 88, "Lion dog", "The Rhodesian Ridgeback was bred in southern Africa to hold lions at bay; the ridge of hair along its back grows the wrong way."),
        ("f032", 72, "Ancient lapdog", "The Maltese has been a companion dog for more than two thousand years; it appears on ancient Greek pottery."),
        ("f033", 86, "Multum in parvo", "The Pug's motto is 'multum in parvo', a lot in a little."),
        ("f034", 4, "Freight hauler", "The Alaskan Malamute was bred to haul heavy loads over long distances rather than to race."),
        ("f035", 54, "Gentle giant", "Great Danes were bred in Germany to hunt wild boar; today they are known for their gentle nature."),
        ("f036", 82, "Butterfly ears", "The Papillon is named after the French word for butterfly, for the shape of its fringed ears."),
    ]

    /// `the-flying-trot` from `The flying trot`.
    static func slug(_ title: String) -> String {
        let lowered = title.lowercased().filter { $0 != "'" && $0 != "\u{2019}" }.map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return String(lowered).split(separator: "-", omittingEmptySubsequences: true).joined(separator: "-")
    }
}

/// Image categories (`/v1/categories`), the real service's set.
enum DogCategories {
    /// (id, name).
    static let all: [(id: Int, name: String)] = [(1, "hats"), (2, "space"), (4, "sunglasses"), (5, "boxes"), (7, "ties"), (14, "sinks"), (15, "clothes")]
}

/// Health tips (`/v1/health-tips`): general, conservative advice; not veterinary diagnosis.
enum DogHealthTips {
    /// (id, breed id or nil, category, title, tip).
    static let all: [(id: Int, breedID: Int?, category: String, title: String, tip: String)] = [
        (1, nil, "prevention", "Yearly check-up", "Take your dog for a veterinary check-up at least once a year, and twice a year for senior dogs."),
        (2, nil, "prevention", "Vaccinations", "Keep core vaccinations up to date as your veterinarian recommends for your area."),
        (3, nil, "parasites", "Parasite control", "Use a veterinarian-recommended flea, tick and worm prevention all year round."),
        (4, nil, "dental", "Teeth", "Brush your dog's teeth several times a week with a dog toothpaste; human toothpaste is not safe for dogs."),
        (5, nil, "nutrition", "Weight", "You should be able to feel your dog's ribs under a thin layer of fat; ask your vet about an ideal weight."),
        (6, nil, "nutrition", "Toxic foods", "Chocolate, grapes and raisins, onions, garlic, xylitol and macadamia nuts are toxic to dogs."),
        (7, nil, "exercise", "Daily exercise", "Most dogs need daily walks and play; working and sporting breeds need more than toy breeds."),
        (8, nil, "exercise", "Heat", "Avoid exercise in the heat of the day and never leave a dog in a parked car: heatstroke can kill within minutes."),
        (9, nil, "grooming", "Nails", "Trim nails when you hear them click on hard floors; overgrown nails change how a dog stands."),
        (10, nil, "grooming", "Ears", "Check ears weekly for redness, odour or discharge, especially in breeds with drop ears."),
        (11, nil, "behaviour", "Socialisation", "Introduce puppies gently to people, dogs, sounds and places before about 14 weeks of age."),
        (12, nil, "prevention", "Identification", "Keep a microchip and an ID tag with current contact details on your dog."),
        (13, 54, "breed", "Bloat in deep-chested breeds", "Large deep-chested dogs such as Great Danes are prone to gastric dilatation-volvulus: feed smaller meals and know the signs."),
        (14, 48, "breed", "Flat-faced breeds and heat", "French Bulldogs and other flat-faced breeds overheat easily; keep exercise gentle in warm weather."),
        (15, 39, "breed", "Long backs", "Dachshunds are prone to back problems: discourage jumping from furniture and keep them lean."),
        (16, 52, "breed", "Hip screening", "Choose Golden Retriever puppies from parents screened for hip and elbow dysplasia."),
    ]
}
