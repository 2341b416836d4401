/// The breed catalogue's data: one breed per line, fields separated by `|`:
///
/// `id | name | ImageNet classes (comma-separated, may be empty) | breed group | bred for |
/// life span | temperament | origin | country code | weight (lb) | height (in)`
///
/// Curated for Roost from breed standards (AKC, FCI, The Kennel Club) as generally published;
/// metric weights and heights are computed from the imperial ones. Ids are assigned once and never
/// change or get reused: add new breeds with the next free id (highest so far: 124).
enum BreedTable {
    /// The lines.
    static let text = """
    1|Affenpinscher|252|Toy|Small rodent hunting, lapdog|10 - 12 years|Stubborn, Curious, Playful, Adventurous, Active, Fun-loving|Germany, France|DE|7 - 10|9 - 11.5
    2|Afghan Hound|160|Hound|Coursing and hunting|10 - 13 years|Aloof, Clownish, Dignified, Independent, Happy|Afghanistan, Iran, Pakistan|AF|50 - 60|25 - 27
    3|Airedale Terrier|191|Terrier|Badger, otter hunting|10 - 13 years|Outgoing, Friendly, Alert, Confident, Intelligent, Courageous|United Kingdom, England|GB|50 - 70|21 - 23
    4|Alaskan Malamute|249|Working|Hauling heavy freight, Sled pulling|10 - 13 years|Friendly, Affectionate, Devoted, Loyal, Dignified, Playful|United States, Alaska|US|75 - 85|23 - 25
    5|American Staffordshire Terrier|180|Terrier|Bull baiting, guarding|12 - 16 years|Tenacious, Friendly, Devoted, Loyal, Attentive, Courageous|United States|US|40 - 70|17 - 19
    6|Appenzeller Sennenhund|240|Working|Herding, guarding, draft work|12 - 15 years|Reliable, Fearless, Energetic, Lively, Self-assured|Switzerland|CH|48 - 70|19 - 22
    7|Australian Kelpie|227|Herding|Herding sheep and cattle|10 - 13 years|Energetic, Intelligent, Loyal, Eager, Alert|Australia|AU|31 - 46|17 - 20
    8|Australian Terrier|193|Terrier|Ratting, companion|12 - 15 years|Spirited, Alert, Loyal, Companionable, Even Tempered, Courageous|Australia|AU|14 - 16|10 - 11
    9|Basenji|253|Hound|Hunting small game|12 - 16 years|Affectionate, Energetic, Alert, Curious, Playful, Intelligent|Democratic Republic of the Congo|CD|22 - 24|16 - 17
    10|Basset Hound|161|Hound|Hunting by scent|12 - 13 years|Tenacious, Friendly, Affectionate, Devoted, Sweet-Tempered, Gentle|France, United Kingdom|FR|40 - 65|13 - 15
    11|Beagle|162|Hound|Rabbit, hare hunting|13 - 16 years|Amiable, Even Tempered, Excitable, Determined, Gentle, Intelligent|United Kingdom|GB|20 - 30|13 - 15
    12|Bedlington Terrier|181|Terrier|Killing vermin, racing|14 - 16 years|Affectionate, Spirited, Intelligent, Good-tempered|United Kingdom, England|GB|17 - 23|15 - 17.5
    13|Belgian Malinois|225|Herding|Guarding, herding|12 - 14 years|Watchful, Alert, Stubborn, Friendly, Confident, Hard-working, Active, Protective|Belgium|BE|40 - 80|22 - 26
    14|Belgian Sheepdog (Groenendael)|224|Herding|Herding, guarding|12 - 14 years|Watchful, Alert, Intelligent, Protective, Energetic|Belgium|BE|45 - 75|22 - 26
    15|Bernese Mountain Dog|239|Working|Draft work|7 - 10 years|Affectionate, Intelligent, Loyal, Faithful|Switzerland|CH|70 - 115|23 - 27.5
    16|Black and Tan Coonhound|165|Hound|Hunting raccoons, night hunting|10 - 12 years|Easygoing, Gentle, Adaptable, Trusting, Even Tempered, Lovable|United States|US|65 - 110|23 - 27
    17|Bloodhound|163|Hound|Trailing|10 - 12 years|Stubborn, Affectionate, Gentle, Even Tempered|Belgium, France, United Kingdom|BE|80 - 110|23 - 27
    18|Bluetick Coonhound|164|Hound|Hunting raccoons|11 - 12 years|Friendly, Intelligent, Active|United States|US|45 - 80|21 - 27
    19|Border Collie|232|Herding|Sheep herder|12 - 16 years|Tenacious, Keen, Energetic, Responsive, Alert, Intelligent|United Kingdom, Scotland, Wales|GB|30 - 55|18 - 22
    20|Border Terrier|182|Terrier|Fox bolting, ratting|12 - 15 years|Fearless, Affectionate, Alert, Obedient, Intelligent, Even Tempered|United Kingdom|GB|11.5 - 15.5|12 - 15
    21|Borzoi|169|Hound|Coursing wolves and other game|9 - 14 years|Affectionate, Loyal, Gentle, Quiet, Independent, Athletic|Russia|RU|60 - 105|26 - 28
    22|Boston Terrier|195|Non-Sporting|Ratting, companionship|11 - 13 years|Friendly, Lively, Intelligent|United States|US|12 - 25|15 - 17
    23|Bouvier des Flandres|233|Herding|Cattle herding, farm work|10 - 12 years|Protective, Loyal, Gentle, Intelligent, Familial, Rational|Belgium, France|BE|70 - 110|23.5 - 27.5
    24|Boxer|242|Working|Bull baiting, guarding|8 - 10 years|Devoted, Fearless, Friendly, Cheerful, Energetic, Loyal, Playful, Confident, Intelligent, Bright, Brave, Calm|Germany|DE|50 - 80|21.5 - 25
    25|Briard|226|Herding|Herding and guarding sheep|10 - 12 years|Fearless, Loyal, Obedient, Intelligent, Faithful, Protective|France|FR|50 - 100|22 - 27
    26|Brittany|215|Sporting|Pointing and retrieving|12 - 14 years|Agile, Adaptable, Quick, Intelligent, Attentive, Happy|France|FR|30 - 40|17.5 - 20.5
    27|Brussels Griffon|262|Toy|Ratting, companionship|12 - 15 years|Loyal, Alert, Curious, Sensitive, Self-important|Belgium|BE|8 - 10|7 - 10
    28|Bullmastiff|243|Working|Guarding estates against poachers|7 - 9 years|Docile, Reliable, Devoted, Alert, Loyal, Reserved, Loving, Protective, Powerful, Calm, Courageous|United Kingdom|GB|100 - 130|24 - 27
    29|Cairn Terrier|192|Terrier|Hunting vermin among cairns|13 - 15 years|Hardy, Fearless, Assertive, Gay, Intelligent, Active|United Kingdom, Scotland|GB|13 - 14|9.5 - 10
    30|Cardigan Welsh Corgi|264|Herding|Cattle droving|12 - 15 years|Affectionate, Devoted, Alert, Companionable, Intelligent, Active|United Kingdom, Wales|GB|25 - 38|10.5 - 12.5
    31|Cavalier King Charles Spaniel|156|Toy|Companion, lapdog|10 - 14 years|Fearless, Affectionate, Sociable, Patient, Playful, Adaptable|United Kingdom|GB|13 - 18|12 - 13
    32|Chesapeake Bay Retriever|209|Sporting|Water retrieving|10 - 13 years|Affectionate, Intelligent, Quiet, Dominant, Happy, Protective|United States|US|55 - 80|21 - 26
    33|Chihuahua|151|Toy|Companion|14 - 16 years|Devoted, Lively, Alert, Quick, Courageous|Mexico|MX|2 - 6|5 - 8
    34|Chow Chow|260|Non-Sporting|Hunting, guarding, pulling|8 - 12 years|Aloof, Clownish, Dignified, Independent, Loyal, Protective|China|CN|45 - 70|17 - 20
    35|Clumber Spaniel|216|Sporting|Flushing and retrieving birds|10 - 12 years|Affectionate, Loyal, Dignified, Gentle, Calm|United Kingdom, France|GB|55 - 85|17 - 20
    36|Cocker Spaniel (English)|219|Sporting|Flushing and retrieving birds|12 - 14 years|Trainable, Friendly, Affectionate, Playful, Quiet, Faithful|United Kingdom|GB|26 - 34|15 - 17
    37|Collie|231|Herding|Sheep herding|12 - 14 years|Loyal, Intelligent, Friendly, Graceful, Devoted, Proud|United Kingdom, Scotland|GB|50 - 75|22 - 26
    38|Curly-Coated Retriever|206|Sporting|Waterfowl retrieving|10 - 12 years|Confident, Proud, Intelligent, Independent, Wicked|United Kingdom|GB|60 - 95|23 - 27
    39|Dachshund||Hound|Badger hunting|12 - 16 years|Stubborn, Devoted, Lively, Playful, Clever, Courageous|Germany|DE|16 - 32|8 - 9
    40|Dalmatian|251|Non-Sporting|Carriage dog, guarding|11 - 13 years|Outgoing, Friendly, Energetic, Playful, Sensitive, Intelligent, Active|Croatia|HR|45 - 70|19 - 24
    41|Dandie Dinmont Terrier|194|Terrier|Killing otters and badgers|12 - 15 years|Affectionate, Independent, Intelligent, Determined, Reserved, Courageous|United Kingdom, Scotland|GB|18 - 24|8 - 11
    42|Doberman Pinscher|236|Working|Guarding|10 - 13 years|Fearless, Energetic, Alert, Loyal, Obedient, Confident, Intelligent|Germany|DE|60 - 100|24 - 28
    43|English Foxhound|167|Hound|Hunting foxes in packs|10 - 13 years|Friendly, Sociable, Gentle|United Kingdom, England|GB|60 - 75|24 - 25
    44|English Setter|212|Sporting|Setting game birds|12 - 13 years|Strong Willed, Mischievous, Affectionate, Energetic, Playful, Companionable|United Kingdom, England|GB|45 - 80|23 - 27
    45|English Springer Spaniel|217|Sporting|Flushing and retrieving game|12 - 14 years|Affectionate, Cheerful, Alert, Intelligent, Attentive, Active|United Kingdom, England|GB|40 - 50|19 - 20
    46|EntleBucher Mountain Dog|241|Herding|Cattle herding|11 - 13 years|Loyal, Energetic, Enthusiastic, Intelligent, Agile|Switzerland|CH|55 - 65|16 - 21
    47|Flat-Coated Retriever|205|Sporting|Retrieving|10 - 12 years|Outgoing, Devoted, Confident, Optimistic, Good-tempered|United Kingdom|GB|60 - 70|22 - 24.5
    48|French Bulldog|245|Non-Sporting|Lapdog|10 - 12 years|Playful, Affectionate, Keen, Sociable, Lively, Alert, Easygoing, Patient, Athletic, Bright|France|FR|16 - 28|11 - 13
    49|German Shepherd Dog|235|Herding|Herding, guarding, police work|10 - 13 years|Alert, Loyal, Obedient, Curious, Confident, Intelligent, Watchful, Courageous|Germany|DE|50 - 90|22 - 26
    50|German Shorthaired Pointer|210|Sporting|Hunting and pointing|12 - 14 years|Boisterous, Bold, Affectionate, Intelligent, Cooperative, Trainable|Germany|DE|45 - 70|21 - 25
    51|Giant Schnauzer|197|Working|Driving cattle, guarding|12 - 15 years|Strong Willed, Kind, Loyal, Intelligent, Dominant, Powerful|Germany|DE|55 - 85|23.5 - 27.5
    52|Golden Retriever|207|Sporting|Retrieving|10 - 12 years|Intelligent, Kind, Reliable, Friendly, Trustworthy, Confident|United Kingdom, Scotland|GB|55 - 75|21.5 - 24
    53|Gordon Setter|214|Sporting|Setting game birds|12 - 13 years|Fearless, Alert, Loyal, Confident, Gay, Eager|United Kingdom, Scotland|GB|45 - 80|23 - 27
    54|Great Dane|246|Working|Hunting boar, guarding|7 - 10 years|Friendly, Devoted, Reserved, Confident, Dependable, Gentle|Germany|DE|110 - 175|28 - 32
    55|Great Pyrenees|257|Working|Guarding flocks|10 - 12 years|Strong Willed, Fearless, Affectionate, Patient, Gentle, Confident|France, Spain|FR|85 - 115|25 - 32
    56|Greater Swiss Mountain Dog|238|Working|Draft work, herding, guarding|8 - 11 years|Alert, Familial, Faithful, Bold, Dependable|Switzerland|CH|85 - 140|23.5 - 28.5
    57|Ibizan Hound|173|Hound|Hunting rabbits|11 - 14 years|Clownish, Even Tempered, Intelligent, Polite|Spain|ES|45 - 50|22.5 - 27.5
    58|Irish Setter|213|Sporting|Setting game birds|12 - 15 years|Affectionate, Energetic, Lively, Independent, Playful, Companionable|Ireland|IE|60 - 70|25 - 27
    59|Irish Terrier|184|Terrier|Hunting vermin, guarding|12 - 16 years|Respectful, Lively, Intelligent, Dominant, Protective, Trainable|Ireland|IE|25 - 27|18
    60|Irish Water Spaniel|221|Sporting|Water retrieving|12 - 13 years|Playful, Alert, Intelligent, Clownish, Inquisitive|Ireland|IE|45 - 68|21 - 24
    61|Irish Wolfhound|170|Hound|Hunting wolves, coursing|6 - 8 years|Sweet-Tempered, Loyal, Dignified, Patient, Thoughtful, Generous|Ireland|IE|105 - 120|30 - 35
    62|Italian Greyhound|171|Toy|Lapdog, hunting small game|14 - 15 years|Mischievous, Affectionate, Agile, Athletic, Companionable, Intelligent|Italy|IT|7 - 14|13 - 15
    63|Japanese Chin|152|Toy|Lapdog|10 - 12 years|Alert, Loyal, Independent, Intelligent, Loving, Cat-like|Japan|JP|7 - 11|8 - 11
    64|Keeshond|261|Non-Sporting|Barge watchdog|12 - 15 years|Agile, Obedient, Playful, Quick, Sturdy, Bright|Netherlands|NL|35 - 45|17 - 18
    65|Kerry Blue Terrier|183|Terrier|Vermin hunting, herding, guarding|12 - 15 years|Strong Willed, Alert, Loyal, Spirited, Affectionate|Ireland|IE|33 - 40|17.5 - 19.5
    66|Komondor|228|Working|Guarding livestock|10 - 12 years|Steady, Fearless, Affectionate, Independent, Gentle, Calm|Hungary|HU|80 - 100|25.5 - 27.5
    67|Kuvasz|222|Working|Guarding flocks|10 - 12 years|Loyal, Independent, Intelligent, Protective, Patient|Hungary|HU|70 - 115|26 - 30
    68|Labrador Retriever|208|Sporting|Water retrieving|10 - 13 years|Kind, Outgoing, Agile, Gentle, Intelligent, Trusting, Even Tempered|Canada|CA|55 - 80|21.5 - 24.5
    69|Lakeland Terrier|189|Terrier|Fox hunting, guarding sheep|12 - 16 years|Bold, Friendly, Confident, Intelligent, Independent|United Kingdom, England|GB|15 - 17|13.5 - 15
    70|Leonberger|255|Working|Companion, draft work|8 - 9 years|Obedient, Fearless, Loyal, Companionable, Adaptable, Loving|Germany|DE|90 - 170|25.5 - 31.5
    71|Lhasa Apso|204|Non-Sporting|Guarding monasteries|12 - 15 years|Steady, Fearless, Friendly, Devoted, Assertive, Spirited|China, Tibet|CN|12 - 18|10 - 11
    72|Maltese|153|Toy|Lapdog|12 - 15 years|Playful, Docile, Fearless, Affectionate, Sweet-Tempered, Lively, Responsive, Easygoing, Gentle, Intelligent, Active|Malta|MT|4 - 7|7 - 9
    73|Miniature Pinscher|237|Toy|Ratting|12 - 16 years|Fearless, Playful, Spirited, Energetic, Proud|Germany|DE|8 - 11|10 - 12.5
    74|Miniature Poodle|266|Non-Sporting|Companion, water retrieving|10 - 18 years|Intelligent, Active, Alert, Faithful, Trainable, Instinctual|Germany, France|FR|10 - 15|10 - 15
    75|Miniature Schnauzer|196|Terrier|Ratting, guarding|12 - 14 years|Fearless, Friendly, Obedient, Spirited, Intelligent, Alert|Germany|DE|11 - 20|12 - 14
    76|Newfoundland|256|Working|Water rescue, heavy hauling|8 - 10 years|Sweet-Tempered, Gentle, Trainable|Canada|CA|100 - 150|26 - 28
    77|Norfolk Terrier|185|Terrier|Ratting, fox bolting|12 - 16 years|Fearless, Spirited, Alert, Independent, Happy|United Kingdom, England|GB|11 - 12|9 - 10
    78|Norwegian Elkhound|174|Hound|Hunting moose, guarding|12 - 15 years|Friendly, Bold, Dignified, Independent, Energetic, Confident|Norway|NO|48 - 55|19.5 - 20.5
    79|Norwich Terrier|186|Terrier|Ratting, fox bolting|12 - 15 years|Hardy, Affectionate, Energetic, Sensitive, Intelligent|United Kingdom, England|GB|11 - 12|10
    80|Old English Sheepdog|229|Herding|Driving cattle and sheep|10 - 12 years|Sociable, Bubbly, Playful, Adaptable, Intelligent, Loving|United Kingdom, England|GB|60 - 100|21 - 22
    81|Otterhound|175|Hound|Hunting otters|10 - 13 years|Boisterous, Even Tempered, Amiable, Devoted|United Kingdom, England|GB|80 - 115|24 - 27
    82|Papillon|157|Toy|Hunting vermin, lapdog|12 - 15 years|Hardy, Friendly, Energetic, Alert, Intelligent, Happy|France, Belgium|FR|5 - 10|8 - 11
    83|Pekingese|154|Toy|Lapdog|12 - 14 years|Opinionated, Good-natured, Stubborn, Affectionate, Aggressive, Intelligent|China|CN|7 - 14|6 - 9
    84|Pembroke Welsh Corgi|263|Herding|Driving stock to market|12 - 15 years|Tenacious, Outgoing, Friendly, Bold, Playful, Protective|United Kingdom, Wales|GB|25 - 30|10 - 12
    85|Pomeranian|259|Toy|Companion, herding|12 - 16 years|Extroverted, Friendly, Sociable, Playful, Active, Intelligent|Germany, Poland|DE|3 - 7|6 - 7
    86|Pug|254|Toy|Lapdog|13 - 15 years|Docile, Clever, Charming, Stubborn, Sociable, Playful, Quiet, Attentive|China|CN|14 - 18|10 - 13
    87|Redbone Coonhound|168|Hound|Hunting raccoons|12 - 15 years|Affectionate, Energetic, Independent, Amiable, Eager|United States|US|45 - 70|21 - 27
    88|Rhodesian Ridgeback|159|Hound|Hunting lions|10 - 12 years|Strong Willed, Mischievous, Loyal, Dignified, Sensitive, Intelligent|Zimbabwe, South Africa|ZA|70 - 85|24 - 27
    89|Rottweiler|234|Working|Cattle herding, guarding, draft work|8 - 10 years|Steady, Good-natured, Fearless, Devoted, Alert, Obedient, Confident, Self-assured, Calm, Courageous|Germany|DE|80 - 135|22 - 27
    90|Saint Bernard|247|Working|Rescuing travelers|7 - 10 years|Friendly, Lively, Gentle, Watchful, Calm|Switzerland, Italy|CH|120 - 180|26 - 30
    91|Saluki|176|Hound|Coursing gazelle and hare|12 - 14 years|Aloof, Reserved, Intelligent, Quiet|Middle East|IR|35 - 65|23 - 28
    92|Samoyed|258|Working|Herding reindeer, sled pulling|12 - 14 years|Stubborn, Friendly, Sociable, Lively, Alert, Playful|Russia|RU|35 - 65|19 - 23.5
    93|Schipperke|223|Non-Sporting|Barge watchdog, ratting|13 - 15 years|Fearless, Agile, Curious, Independent, Confident, Faithful|Belgium|BE|10 - 16|10 - 13
    94|Scottish Deerhound|177|Hound|Coursing red deer|8 - 10 years|Docile, Friendly, Gentle, Dignified, Polite|United Kingdom, Scotland|GB|75 - 110|28 - 32
    95|Scottish Terrier|199|Terrier|Hunting vermin|11 - 13 years|Feisty, Alert, Independent, Playful, Quick, Self-assured|United Kingdom, Scotland|GB|18 - 22|10
    96|Sealyham Terrier|190|Terrier|Hunting otters, badgers, foxes|12 - 14 years|Alert, Outgoing, Fearless, Companionable|United Kingdom, Wales|GB|23 - 24|10.5
    97|Shetland Sheepdog|230|Herding|Herding sheep|12 - 14 years|Affectionate, Lively, Responsive, Alert, Loyal, Reserved, Playful, Gentle, Intelligent, Active, Trainable, Strong|United Kingdom, Scotland|GB|15 - 25|13 - 16
    98|Shih Tzu|155|Toy|Lapdog|10 - 18 years|Clever, Spunky, Outgoing, Friendly, Affectionate, Lively, Alert, Loyal, Independent, Playful, Gentle, Intelligent, Happy, Active|China|CN|9 - 16|9 - 10.5
    99|Siberian Husky|250|Working|Sled pulling, companion|12 - 14 years|Outgoing, Friendly, Alert, Gentle, Intelligent|Russia|RU|35 - 60|20 - 23.5
    100|Silky Terrier|201|Toy|Ratting, companion|13 - 15 years|Friendly, Responsive, Inquisitive, Alert, Quick, Joyful|Australia|AU|8 - 10|9 - 10
    101|Soft Coated Wheaten Terrier|202|Terrier|Vermin hunting, herding, guarding|12 - 14 years|Affectionate, Spirited, Energetic, Playful, Intelligent, Devoted|Ireland|IE|30 - 40|17 - 19
    102|Staffordshire Bull Terrier|179|Terrier|Fighting, companion|12 - 14 years|Reliable, Fearless, Bold, Affectionate, Loyal, Intelligent, Courageous|United Kingdom, England|GB|24 - 38|14 - 16
    103|Standard Poodle|267|Non-Sporting|Water retrieving|10 - 18 years|Intelligent, Alert, Active, Faithful, Trainable, Instinctual|Germany, France|FR|40 - 70|15 - 24
    104|Standard Schnauzer|198|Working|Ratting, guarding farms|13 - 16 years|Reliable, Fearless, Alert, Intelligent, Spirited, Playful|Germany|DE|30 - 50|17.5 - 19.5
    105|Sussex Spaniel|220|Sporting|Flushing game in dense cover|13 - 15 years|Friendly, Merry, Even Tempered, Calm|United Kingdom, England|GB|35 - 45|13 - 15
    106|Tibetan Mastiff|244|Working|Guarding flocks and monasteries|10 - 12 years|Strong Willed, Tenacious, Aloof, Stubborn, Intelligent, Protective|China, Tibet|CN|70 - 150|24 - 26
    107|Tibetan Terrier|200|Non-Sporting|Companion, herding|15 - 16 years|Affectionate, Energetic, Amiable, Reserved, Gentle, Sensitive|China, Tibet|CN|18 - 30|14 - 17
    108|Toy Fox Terrier|158|Toy|Ratting, companion|13 - 14 years|Friendly, Spirited, Alert, Loyal, Playful, Intelligent|United States|US|3.5 - 7|8.5 - 11.5
    109|Toy Poodle|265|Toy|Companion|12 - 18 years|Intelligent, Alert, Active, Faithful, Trainable, Instinctual|Germany, France|FR|4 - 6|9 - 10
    110|Treeing Walker Coonhound|166|Hound|Hunting raccoons|12 - 13 years|Clever, Affectionate, Confident, Intelligent, Loving, Trainable|United States|US|50 - 70|20 - 27
    111|Vizsla|211|Sporting|Pointing and trailing|10 - 14 years|Affectionate, Energetic, Loyal, Gentle, Quiet|Hungary|HU|44 - 60|21 - 24
    112|Weimaraner|178|Sporting|Hunting large game, pointing|10 - 13 years|Aloof, Stubborn, Energetic, Alert, Intelligent, Powerful, Fast|Germany|DE|55 - 90|23 - 27
    113|Welsh Springer Spaniel|218|Sporting|Flushing and retrieving birds|12 - 15 years|Stable, Reserved, Loyal, Affectionate, Active|United Kingdom, Wales|GB|35 - 55|17 - 19
    114|West Highland White Terrier|203|Terrier|Hunting vermin|12 - 16 years|Hardy, Friendly, Alert, Independent, Happy, Active, Courageous|United Kingdom, Scotland|GB|15 - 20|10 - 11
    115|Whippet|172|Hound|Racing, hunting rabbits|12 - 15 years|Friendly, Affectionate, Lively, Gentle, Intelligent, Quiet|United Kingdom, England|GB|25 - 40|18 - 22
    116|Wire Fox Terrier|188|Terrier|Fox bolting|13 - 14 years|Fearless, Friendly, Bold, Keen, Alert, Quick|United Kingdom, England|GB|15 - 19|15 - 15.5
    117|Xoloitzcuintli|268|Non-Sporting|Companion, guarding|13 - 18 years|Cheerful, Alert, Companionable, Intelligent, Protective, Calm|Mexico|MX|10 - 55|10 - 23
    118|Yorkshire Terrier|187|Toy|Ratting, companion|13 - 16 years|Bold, Independent, Confident, Intelligent, Courageous|United Kingdom, England|GB|4 - 7|7 - 8
    119|Canadian Eskimo Dog|248|Working|Sled pulling, hunting|10 - 15 years|Loyal, Alert, Brave, Intelligent, Tough|Canada|CA|40 - 95|20 - 28
    120|American Pit Bull Terrier||Terrier|Fighting, farm dog, companion|10 - 15 years|Strong Willed, Stubborn, Friendly, Clownish, Affectionate, Loyal, Intelligent, Courageous|United States|US|30 - 60|17 - 21
    121|Japanese Tosa||Working|Fighting|10 - 12 years|Fearless, Calm, Patient, Protective, Bold|Japan|JP|80 - 200|21.5 - 24.5
    122|Dogo Argentino||Working|Hunting big game, guarding|9 - 15 years|Friendly, Cheerful, Loyal, Protective, Courageous|Argentina|AR|80 - 100|24 - 27
    123|Fila Brasileiro||Working|Guarding, tracking, herding cattle|9 - 11 years|Loyal, Protective, Courageous, Determined, Wary of strangers|Brazil|BR|90 - 130|24 - 30
    124|American XL Bully||Mixed|Companion|10 - 12 years|Confident, Loyal, Friendly, Stable|United States|US|70 - 130|20 - 23
    """
}
