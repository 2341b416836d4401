/// Breed legislation (`/v1/breeds/bans/...`): a small set of national laws known from their
/// published texts, each with the catalogue breeds it names and the others it names by name.
enum DogBreedBans {
    /// One law.
    struct Law: Sendable {
        /// Stable id.
        let id: Int
        /// ISO 3166-1 alpha-2.
        let country: String
        let countryName: String
        let title: String
        let year: Int
        /// `breed_specific` (the seed's other types: characteristic_based, behavior_based, hybrid).
        let legislationType: String
        /// `ban`, `restriction`, `permit` or `approved_list`.
        let approach: String
        /// Catalogue breeds it names.
        let breedIDs: [Int]
        /// Breeds or types it names that the catalogue does not hold.
        let otherBreeds: [String]
        let summary: String
    }

    /// The laws.
    static let all: [Law] = [
        Law(id: 1, country: "GB", countryName: "United Kingdom", title: "Dangerous Dogs Act 1991", year: 1991, legislationType: "breed_specific",
            approach: "ban", breedIDs: [120, 121, 122, 123], otherBreeds: [],
            summary: "Owning, breeding, selling or giving away a Pit Bull Terrier, Japanese Tosa, Dogo Argentino or Fila Brasileiro is illegal without a court exemption."),
        Law(id: 2, country: "GB", countryName: "United Kingdom", title: "Dangerous Dogs (Designated Types) Order 2023", year: 2024,
            legislationType: "breed_specific", approach: "ban", breedIDs: [124], otherBreeds: [],
            summary: "The XL Bully type was added to the prohibited types in England and Wales, with exemption certificates for existing dogs."),
        Law(id: 3, country: "DK", countryName: "Denmark", title: "Danish Dog Act (Hundeloven) 2010", year: 2010, legislationType: "breed_specific",
            approach: "ban", breedIDs: [120, 121, 5, 123, 122],
            otherBreeds: ["American Bulldog", "Boerboel", "Kangal", "Central Asian Ovcharka", "Caucasian Ovcharka", "South Russian Ovcharka", "Tornjak", "Sarplaninac"],
            summary: "Keeping, breeding or importing the listed breeds and their crosses is prohibited."),
        Law(id: 4, country: "DE", countryName: "Germany", title: "Dangerous Dogs Import Restriction Act 2001", year: 2001,
            legislationType: "breed_specific", approach: "ban", breedIDs: [120, 5, 102], otherBreeds: ["Bull Terrier"],
            summary: "Federal ban on importing or bringing these breeds and their crosses into Germany; the states add their own lists."),
        Law(id: 5, country: "NO", countryName: "Norway", title: "Dog Act (Hundeloven) 2003", year: 2003, legislationType: "breed_specific",
            approach: "ban", breedIDs: [120, 5, 123, 121, 122], otherBreeds: ["Czechoslovakian Wolfdog"],
            summary: "Keeping, breeding and importing the listed breeds and their crosses is prohibited."),
        Law(id: 6, country: "FR", countryName: "France", title: "Law 99-5 on dangerous dogs, category 1 (attack dogs)", year: 1999,
            legislationType: "breed_specific", approach: "ban", breedIDs: [120], otherBreeds: ["Boerboel type", "Tosa type without pedigree"],
            summary: "Acquiring, selling or importing category 1 dogs is prohibited; existing dogs must be sterilised and held under permit."),
        Law(id: 7, country: "FR", countryName: "France", title: "Law 99-5 on dangerous dogs, category 2 (guard and defence dogs)", year: 1999,
            legislationType: "breed_specific", approach: "permit", breedIDs: [5, 89, 121], otherBreeds: [],
            summary: "Owners need a detention permit and a behavioural assessment; dogs are leashed and muzzled in public."),
        Law(id: 8, country: "IE", countryName: "Ireland", title: "Control of Dogs Regulations 1998", year: 1998, legislationType: "breed_specific",
            approach: "restriction", breedIDs: [120, 102, 28, 42, 49, 88, 89, 121], otherBreeds: ["English Bull Terrier", "Japanese Akita", "Bandog"],
            summary: "In public the listed breeds and their crosses must be muzzled, on a strong short lead, and held by a person over 16 able to control them."),
    ]
}
