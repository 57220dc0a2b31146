"""The demo event: the Osez l'ESS day of 26 November 2019 in Lille, as plain data.

Pure data, French text, no Django import: `python manage.py load_demo` (demo/management/commands/
load_demo.py) turns it into rows through the services. Every person and every structure is
invented (public bodies keep their real names, their needs are invented); SIRETs are generated,
valid and deterministic.

Keys (`"mel"`, `"velo-solidaire"`...) only tie the pieces of this module together.
"""

DEMO_PASSWORD = "osez-lille-2019"
DEMO_DOMAIN = "osez.demo"

# --- The demo accounts, one per role --------------------------------------------------------

BUYER_ACCOUNT = {
    "email": "acheteur@osez.demo",
    "first_name": "Julien",
    "last_name": "Vandewalle",
    "job_title": "Acheteur, direction de la commande publique",
    "phone": "03 20 00 00 01",
}
ESS_ACCOUNT = {
    "email": "structure@osez.demo",
    "first_name": "Amina",
    "last_name": "Benali",
    "job_title": "Cogérante",
    "phone": "03 20 00 00 02",
}
ORGANISER_ACCOUNT = {
    "email": "organisatrice@osez.demo",
    "first_name": "Sophie",
    "last_name": "Lemaire",
    "job_title": "Chargée de mission achats responsables",
    "phone": "03 20 00 00 03",
}

# --- The event and its programme ------------------------------------------------------------

EVENT = {
    "slug": "osez-less-lille-2019",
    "title": "Osez l'ESS ! Acheteurs publics et économie sociale et solidaire",
    "date": "2019-11-26",
    "venue": "Hôtel de la Métropole Européenne de Lille",
    "address": "2 boulevard des Cités Unies, 59000 Lille",
    "time_zone": "Europe/Paris",
    "description": (
        "La Métropole Européenne de Lille et l'APES (Acteurs Pour une Économie Solidaire) "
        "réunissent pendant une journée acheteurs publics et structures de l'économie sociale et "
        "solidaire pour ouvrir davantage la commande publique à l'ESS.\n\n"
        "Au programme : une table ronde sur ce qui freine ou facilite l'achat public durable, les "
        "pitchs de besoins de cinq acheteurs publics, des rendez-vous d'affaires de vingt minutes "
        "et quatre ateliers participatifs (alimentation, mobilité, habitat et cadre de vie, "
        "déchets) pour repartir avec des pistes très concrètes.\n\n"
        "Les acheteurs publient leurs besoins à l'avance ; les structures de l'ESS indiquent ceux "
        "auxquels elles peuvent répondre et posent leurs questions. Les réponses sont publiées à "
        "toutes les structures intéressées, dans le respect de l'égalité de traitement."
    ),
}

# (name, capacity, step-free access)
ROOMS = [
    ("Hémicycle", 200, True),
    ("Atrium", 120, True),
    ("Salle Europe", 40, True),
    ("Salle des Flandres", 40, True),
    ("Salle du Hainaut", 40, True),
    ("Salle de l'Artois", 40, True),
]

# Local times on the event's day. Workshops name their theme, capacity, facilitators (keys of
# FACILITATORS) and expected outcome.
PROGRAMME = [
    {
        "kind": "break",
        "title": "Accueil café",
        "start": "08:30",
        "end": "09:00",
        "description": "Café et jus de fruits offerts par un traiteur d'insertion de la métropole.",
    },
    {
        "kind": "plenary",
        "title": "Table ronde : ce qui freine ou facilite l'achat public durable",
        "start": "09:00",
        "end": "10:30",
        "room": "Hémicycle",
        "description": (
            "Élus, acheteurs et dirigeants de structures de l'ESS échangent sur les freins et les "
            "leviers de l'achat public responsable : clauses sociales et environnementales, "
            "marchés réservés, allotissement, sourcing. En 2018, seuls 17 % des marchés publics "
            "comportaient une clause sociale et 18 % une clause environnementale : comment faire "
            "mieux, ensemble ?"
        ),
    },
    {"kind": "break", "title": "Pause", "start": "10:30", "end": "10:45"},
    {
        "kind": "pitches",
        "title": "Pitchs des acheteurs publics",
        "start": "10:45",
        "end": "12:15",
        "room": "Hémicycle",
        "description": (
            "Cinq acheteurs publics présentent en cinq minutes un besoin auquel une structure de "
            "l'ESS pourrait répondre : une restauration plus responsable et des goûters sains, "
            "une plateforme mobile de réparation de vélos, une livraison propre du dernier "
            "kilomètre, la fin des bouteilles en plastique dans l'administration et l'entretien "
            "des espaces verts de résidences sociales. Questions de la salle après chaque pitch."
        ),
    },
    {
        "kind": "break",
        "title": "Déjeuner solidaire",
        "start": "12:15",
        "end": "13:30",
        "description": "Buffet préparé par des structures d'insertion de la métropole.",
    },
    {
        "kind": "meetings",
        "title": "Rendez-vous d'affaires",
        "start": "13:30",
        "end": "15:10",
        "room": "Atrium",
        "slot_minutes": 20,
        "gap_minutes": 0,
        "description": (
            "Rendez-vous de vingt minutes entre un acheteur et une structure de l'ESS, à une table "
            "numérotée. Les agendas sont construits à partir des marques d'intérêt et des "
            "demandes de rendez-vous."
        ),
    },
    {
        "kind": "workshop",
        "title": "Atelier Alimentation : vers une restauration collective responsable",
        "start": "15:15",
        "end": "16:45",
        "room": "Salle Europe",
        "description": (
            "Produits locaux et bio, goûters, lutte contre le gaspillage : comment les cantines "
            "et les établissements publics peuvent-ils travailler avec les producteurs et les "
            "traiteurs de l'ESS ?"
        ),
        "workshop": {
            "theme": "food",
            "capacity": 35,
            "facilitators": ["animatrice-alimentation"],
            "expected_outcome": (
                "Trois pistes concrètes pour les prochains marchés de restauration collective et "
                "une liste de structures prêtes à répondre à un allotissement fin."
            ),
        },
    },
    {
        "kind": "workshop",
        "title": "Atelier Mobilité : se déplacer et livrer autrement",
        "start": "15:15",
        "end": "16:45",
        "room": "Salle des Flandres",
        "description": (
            "Vélo, logistique urbaine du dernier kilomètre, flottes de service : ce que les "
            "structures de l'ESS savent déjà faire et ce que les acheteurs peuvent leur confier."
        ),
        "workshop": {
            "theme": "mobility",
            "capacity": 35,
            "facilitators": ["animateur-mobilite"],
            "expected_outcome": (
                "Une cartographie des offres de mobilité solidaire de la métropole et un projet "
                "de consultation commune entre plusieurs acheteurs."
            ),
        },
    },
    {
        "kind": "workshop",
        "title": "Atelier Habitat et cadre de vie",
        "start": "15:15",
        "end": "16:45",
        "room": "Salle du Hainaut",
        "description": (
            "Remise en état de logements, rénovation énergétique, espaces verts : comment les "
            "bailleurs sociaux et les communes peuvent-ils mobiliser les chantiers d'insertion et "
            "les entreprises adaptées ?"
        ),
        "workshop": {
            "theme": "housing",
            "capacity": 30,
            "facilitators": ["animatrice-habitat"],
            "expected_outcome": (
                "Des lots adaptés aux structures de l'ESS dans les prochains programmes de "
                "réhabilitation et un calendrier de visites de chantiers."
            ),
        },
    },
    {
        "kind": "workshop",
        "title": "Atelier Déchets : réduire, réemployer, recycler",
        "start": "15:15",
        "end": "16:45",
        "room": "Salle de l'Artois",
        "description": (
            "Bouteilles en plastique, mobilier, matériel informatique, biodéchets : donner une "
            "seconde vie aux objets et aux matières avec les ressourceries et les entreprises "
            "d'insertion du territoire."
        ),
        "workshop": {
            "theme": "waste",
            "capacity": 30,
            "facilitators": ["animateur-dechets"],
            "expected_outcome": (
                "Un plan d'action pour sortir du plastique jetable dans les administrations et "
                "des contacts pour le réemploi du mobilier et du matériel informatique."
            ),
        },
    },
    {
        "kind": "plenary",
        "title": "Restitution des ateliers et clôture",
        "start": "16:45",
        "end": "17:15",
        "room": "Hémicycle",
        "description": "Chaque atelier présente ses pistes de solution ; mot de clôture des organisateurs.",
    },
]

# (prefix, first, last, zone, accessible): 20 tables, 12 of them on the step-free ground floor.
TABLES = [
    ("T", 1, 12, "Atrium, rez-de-chaussée", True),
    ("T", 13, 20, "Mezzanine (escalier)", False),
]

# Workshop facilitators: registered without an organisation.
FACILITATORS = {
    "animatrice-alimentation": ("Nadia", "Ferhat", "Animatrice réseau, APES"),
    "animateur-mobilite": ("Thomas", "Dewailly", "Chargé de mission mobilité"),
    "animatrice-habitat": ("Élise", "Brunet", "Animatrice territoriale ESS"),
    "animateur-dechets": ("Karim", "Haddad", "Chargé de projet économie circulaire"),
}

# --- Invented people ------------------------------------------------------------------------

# fmt: off
FIRST_NAMES = [
    ("Camille", "f"), ("Nicolas", "m"), ("Isabelle", "f"), ("Mehdi", "m"), ("Aurélie", "f"),
    ("Sébastien", "m"), ("Laure", "f"), ("Olivier", "m"), ("Fatima", "f"), ("Guillaume", "m"),
    ("Céline", "f"), ("Antoine", "m"), ("Nathalie", "f"), ("Yannick", "m"), ("Sarah", "f"),
    ("Mathieu", "m"), ("Virginie", "f"), ("Rachid", "m"), ("Émilie", "f"), ("François", "m"),
    ("Sandrine", "f"), ("Benoît", "m"), ("Julie", "f"), ("Hugo", "m"), ("Mélanie", "f"),
    ("Jérôme", "m"), ("Pauline", "f"), ("Samir", "m"), ("Caroline", "f"), ("Vincent", "m"),
    ("Marion", "f"), ("Damien", "m"), ("Chloé", "f"), ("Arnaud", "m"), ("Sonia", "f"),
    ("Frédéric", "m"), ("Agnès", "f"), ("Maxime", "m"), ("Delphine", "f"), ("Stéphane", "m"),
    ("Hélène", "f"), ("Romain", "m"), ("Ludivine", "f"), ("Christophe", "m"), ("Inès", "f"),
    ("Thierry", "m"), ("Anne", "f"), ("Loïc", "m"), ("Manon", "f"), ("Xavier", "m"),
    ("Valérie", "f"), ("Youssef", "m"), ("Claire", "f"), ("Bruno", "m"), ("Lucie", "f"),
    ("Pascal", "m"), ("Estelle", "f"), ("Didier", "m"), ("Léa", "f"), ("Fabrice", "m"),
]
LAST_NAMES = [
    "Lefebvre", "Dubois", "Leroy", "Vandenberghe", "Delattre", "Dupont", "Lemaire", "Declercq",
    "Desmet", "Deschamps", "Leclercq", "Wattel", "Carpentier", "Caron", "Lecomte", "Duhamel",
    "Delannoy", "Verbeke", "Vasseur", "Hennebelle", "Bourgeois", "Deruelle", "Lenoir", "Plouvier",
    "Masson", "Dhainaut", "Coquelle", "Lambin", "Messaoudi", "Devos", "Boulanger", "Flament",
    "Ghesquière", "Lepers", "Bernard", "Roussel", "Vanhove", "Cuvelier", "Durieux", "Marchand",
    "Bouchez", "Delcourt", "Leblanc", "Descamps", "Mahieu", "Fontaine", "Catteau", "Ramery",
    "Lesage", "Dujardin", "Becquet", "Ouali", "Willaert", "Dumont", "Bekaert", "Carlier",
    "Petitprez", "Szymanski", "Lamblin", "Hochart", "Delbarre", "Morel", "Vermeersch", "Brunel",
    "Tiberghien", "Lagache", "Nowak", "Ducrocq", "Vanneste", "Ben Amar", "Lhermitte", "Moreau",
    "Fievet", "Lautomne", "Dhalluin", "Benoit", "Crépin", "Baert", "Dewitte", "Guillemin",
]
# fmt: on

# (feminine, masculine)
BUYER_JOBS = [
    ("Acheteuse publique", "Acheteur public"),
    ("Responsable de la commande publique", "Responsable de la commande publique"),
    ("Chargée de mission achats responsables", "Chargé de mission achats responsables"),
    ("Directrice des achats", "Directeur des achats"),
    ("Gestionnaire des marchés publics", "Gestionnaire des marchés publics"),
    ("Facilitatrice des clauses sociales", "Facilitateur des clauses sociales"),
    ("Responsable du service restauration", "Responsable du service restauration"),
    ("Technicienne patrimoine", "Technicien patrimoine"),
]
ESS_JOBS = [
    ("Directrice", "Directeur"),
    ("Chargée de développement", "Chargé de développement"),
    ("Cogérante", "Cogérant"),
    ("Responsable commerciale", "Responsable commercial"),
    ("Encadrante technique d'insertion", "Encadrant technique d'insertion"),
    ("Présidente", "Président"),
    ("Chargée d'affaires", "Chargé d'affaires"),
]

# --- Buyers ---------------------------------------------------------------------------------
# Territory codes: "R32" Hauts-de-France, "59" Nord, "200093201" the MEL (EPCI), communes by
# INSEE code (accounts migration 0003). `people`: how many buyers the organisation sends.

MEL = "200093201"

BUYERS = [
    {
        "key": "mel",
        "name": "Métropole Européenne de Lille",
        "buyer_kind": "local_authority",
        "size": "250+",
        "people": 8,
        "themes": ["mobility", "waste", "digital", "food", "housing"],
        "territories": [MEL],
        "website": "https://www.lillemetropole.fr",
        "description": (
            "95 communes, plus d'un million d'habitants. La direction de la commande publique "
            "porte le schéma de promotion des achats socialement et écologiquement responsables "
            "(SPASER) et veut ouvrir davantage ses marchés aux structures de l'ESS."
        ),
    },
    {
        "key": "lille",
        "name": "Ville de Lille",
        "buyer_kind": "local_authority",
        "size": "250+",
        "people": 5,
        "themes": ["textiles", "green_spaces", "food", "cleaning"],
        "territories": ["59350"],
        "description": "Achats de la ville et de ses mairies de quartier : restauration, "
        "entretien, espaces verts, vêtements de travail des agents.",
    },
    {
        "key": "roubaix",
        "name": "Ville de Roubaix",
        "buyer_kind": "local_authority",
        "size": "250+",
        "people": 5,
        "themes": ["food", "textiles", "green_spaces"],
        "territories": ["59512"],
        "description": "Restauration scolaire, accueils de loisirs et entretien des bâtiments "
        "communaux ; la ville travaille déjà avec plusieurs chantiers d'insertion.",
    },
    {
        "key": "tourcoing",
        "name": "Ville de Tourcoing",
        "buyer_kind": "local_authority",
        "size": "250+",
        "people": 4,
        "themes": ["waste", "food"],
        "territories": ["59599"],
        "description": "Restaurants scolaires, propreté urbaine et gestion des déchets des "
        "équipements municipaux.",
    },
    {
        "key": "villeneuve",
        "name": "Ville de Villeneuve-d'Ascq",
        "buyer_kind": "local_authority",
        "size": "250+",
        "people": 4,
        "themes": ["food", "green_spaces", "mobility"],
        "territories": ["59009"],
        "description": "Ville étudiante et ville-parc : espaces verts, restauration, mobilités "
        "douces pour les agents.",
    },
    {
        "key": "wattrelos",
        "name": "Ville de Wattrelos",
        "buyer_kind": "local_authority",
        "size": "250+",
        "people": 2,
        "themes": ["green_spaces", "cleaning"],
        "territories": ["59650"],
        "description": "Entretien des espaces publics et des bâtiments communaux.",
    },
    {
        "key": "armentieres",
        "name": "Ville d'Armentières",
        "buyer_kind": "local_authority",
        "size": "50-249",
        "people": 2,
        "themes": ["food", "cleaning"],
        "territories": ["59017"],
        "description": "Restauration scolaire et entretien des écoles.",
    },
    {
        "key": "seclin",
        "name": "Ville de Seclin",
        "buyer_kind": "local_authority",
        "size": "50-249",
        "people": 2,
        "themes": ["green_spaces", "waste"],
        "territories": ["59560"],
        "description": "Espaces verts, fleurissement et gestion des déchets verts.",
    },
    {
        "key": "marcq",
        "name": "Ville de Marcq-en-Barœul",
        "buyer_kind": "local_authority",
        "size": "250+",
        "people": 2,
        "themes": ["food", "digital"],
        "territories": ["59378"],
        "description": "Restauration municipale et équipement numérique des écoles.",
    },
    {
        "key": "mons",
        "name": "Ville de Mons-en-Barœul",
        "buyer_kind": "local_authority",
        "size": "50-249",
        "people": 2,
        "themes": ["housing", "cleaning"],
        "territories": ["59410"],
        "description": "Entretien et petits travaux dans les équipements de quartier.",
    },
    {
        "key": "hem",
        "name": "Ville de Hem",
        "buyer_kind": "local_authority",
        "size": "50-249",
        "people": 2,
        "themes": ["green_spaces", "food"],
        "territories": ["59299"],
        "description": "Espaces verts, jardins familiaux et restauration scolaire.",
    },
    {
        "key": "ccas-lille",
        "name": "Centre communal d'action sociale de Lille",
        "buyer_kind": "public_establishment",
        "size": "250+",
        "people": 2,
        "themes": ["food", "cleaning"],
        "territories": ["59350"],
        "description": "Portage de repas à domicile, résidences autonomie et entretien des locaux.",
    },
    {
        "key": "chu",
        "name": "CHU de Lille",
        "buyer_kind": "hospital",
        "size": "250+",
        "people": 5,
        "themes": ["mobility", "food", "textiles", "waste"],
        "territories": ["59350", "59"],
        "description": "Un des plus grands centres hospitaliers de France : logistique, "
        "restauration, blanchisserie et gestion des déchets sur un campus de plusieurs "
        "dizaines de bâtiments.",
    },
    {
        "key": "ch-roubaix",
        "name": "Centre hospitalier de Roubaix",
        "buyer_kind": "hospital",
        "size": "250+",
        "people": 3,
        "themes": ["textiles", "cleaning", "food"],
        "territories": ["59512"],
        "description": "Blanchisserie, entretien des locaux et restauration des patients et du "
        "personnel.",
    },
    {
        "key": "habitat-metropole",
        "name": "Habitat Métropole Nord",
        "buyer_kind": "social_landlord",
        "size": "250+",
        "people": 4,
        "themes": ["housing", "green_spaces", "cleaning"],
        "territories": [MEL],
        "description": "Office public de l'habitat (nom inventé pour la démonstration) : 28 000 "
        "logements sociaux dans la métropole, entretien des résidences et des espaces extérieurs.",
    },
    {
        "key": "logis-flandres",
        "name": "Logis des Flandres",
        "buyer_kind": "social_landlord",
        "size": "250+",
        "people": 3,
        "themes": ["housing"],
        "territories": [MEL, "59"],
        "description": "Entreprise sociale pour l'habitat (nom inventé pour la démonstration) : "
        "remise en état des logements entre deux locataires et réhabilitations.",
    },
    {
        "key": "nord",
        "name": "Département du Nord",
        "buyer_kind": "department_region",
        "size": "250+",
        "people": 5,
        "themes": ["waste", "textiles", "food"],
        "territories": ["59"],
        "description": "Collèges, routes départementales, action sociale : le Département achète "
        "pour plus de 8 000 agents.",
    },
    {
        "key": "region",
        "name": "Région Hauts-de-France",
        "buyer_kind": "department_region",
        "size": "250+",
        "people": 4,
        "themes": ["waste", "digital", "food"],
        "territories": ["R32"],
        "description": "Lycées, transports régionaux et sièges administratifs de la Région.",
    },
    {
        "key": "prefecture",
        "name": "Préfecture du Nord",
        "buyer_kind": "state",
        "size": "250+",
        "people": 2,
        "themes": ["cleaning"],
        "territories": ["59"],
        "description": "Entretien des bâtiments de la préfecture et des sous-préfectures du Nord.",
    },
    {
        "key": "pfra",
        "name": "Plateforme régionale des achats de l'État en Hauts-de-France",
        "buyer_kind": "state",
        "size": "50-249",
        "people": 2,
        "themes": ["cleaning", "digital", "other"],
        "territories": ["R32"],
        "description": "Mutualise les achats courants des services de l'État dans la région.",
    },
    {
        "key": "universite",
        "name": "Université de Lille",
        "buyer_kind": "public_establishment",
        "size": "250+",
        "people": 3,
        "themes": ["digital", "food", "mobility"],
        "territories": [MEL],
        "description": "Campus de Villeneuve-d'Ascq, Lille et Roubaix : archives, reprographie, "
        "mobilité des étudiants et des personnels.",
    },
    {
        "key": "crous",
        "name": "Crous de Lille Nord-Pas-de-Calais",
        "buyer_kind": "public_establishment",
        "size": "250+",
        "people": 2,
        "themes": ["food", "housing"],
        "territories": ["59", "62"],
        "description": "Restauration universitaire et résidences étudiantes.",
    },
    {
        "key": "sdis",
        "name": "Service départemental d'incendie et de secours du Nord",
        "buyer_kind": "public_establishment",
        "size": "250+",
        "people": 2,
        "themes": ["textiles", "mobility"],
        "territories": ["59"],
        "description": "Habillement, entretien des véhicules et des casernes.",
    },
]

# --- ESS structures -------------------------------------------------------------------------
# insertion: "", aci, ei, ai, etti, eiti, geiq; disability: "", ea, esat; esus: agreement start
# year or None. `verified`: an organiser has checked the declared types. `listed`: opted in the
# public directory.

ESS = [
    # Food and catering
    {
        "key": "jardins-deule",
        "name": "Les Jardins de la Deûle",
        "legal_form": "association",
        "insertion": "aci",
        "esus": 2017,
        "size": "10-49",
        "people": 2,
        "themes": ["food", "green_spaces"],
        "territories": [MEL, "59009"],
        "description": "Chantier d'insertion en maraîchage biologique : paniers de légumes, "
        "approvisionnement de cantines et entretien de jardins partagés.",
    },
    {
        "key": "cuisine-fives",
        "name": "La Cuisine Solidaire de Fives",
        "legal_form": "association",
        "insertion": "ei",
        "size": "10-49",
        "people": 2,
        "themes": ["food"],
        "territories": ["59350"],
        "description": "Restaurant et traiteur d'insertion : repas du midi, buffets, plateaux-repas "
        "et goûters cuisinés à partir de produits de saison.",
    },
    {
        "key": "saveurs-partagees",
        "name": "Traiteur Saveurs Partagées",
        "legal_form": "scop",
        "size": "10-49",
        "people": 1,
        "themes": ["food"],
        "territories": [MEL],
        "description": "Coopérative de traiteurs : cuisine maison, bio et locale, livrée en liaison "
        "froide pour la restauration collective.",
    },
    {
        "key": "gouters-compagnie",
        "name": "Goûters & Compagnie",
        "legal_form": "association",
        "disability": "esat",
        "size": "50-249",
        "people": 2,
        "themes": ["food"],
        "territories": ["59"],
        "description": "ESAT de biscuiterie et de conditionnement : goûters, biscuits et "
        "viennoiseries pour les écoles, les accueils de loisirs et les événements.",
    },
    {
        "key": "panier-flamand",
        "name": "Le Panier Flamand",
        "legal_form": "scic",
        "esus": 2016,
        "size": "10-49",
        "people": 2,
        "themes": ["food"],
        "territories": ["59", "62"],
        "description": "Plateforme coopérative de producteurs locaux qui regroupe l'offre de "
        "quarante fermes pour la restauration collective, en circuit court.",
    },
    {
        "key": "restocoop",
        "name": "Resto'Coop Métropole",
        "legal_form": "cooperative",
        "size": "50-249",
        "people": 1,
        "themes": ["food"],
        "territories": [MEL],
        "description": "Coopérative de restauration collective : cuisine centrale, portage de repas "
        "et animation contre le gaspillage alimentaire.",
    },
    {
        "key": "ferme-trichon",
        "name": "La Ferme Urbaine du Trichon",
        "legal_form": "association",
        "insertion": "aci",
        "size": "1-9",
        "people": 1,
        "themes": ["food", "green_spaces"],
        "territories": ["59512"],
        "description": "Agriculture urbaine et jardins pédagogiques au cœur de Roubaix.",
    },
    {
        "key": "boulangerie-partage",
        "name": "Boulangerie du Partage",
        "legal_form": "esus_company",
        "insertion": "ei",
        "esus": 2018,
        "size": "10-49",
        "people": 1,
        "themes": ["food"],
        "territories": ["59350", "59512"],
        "description": "Boulangerie d'insertion : pain bio pour les cantines et les EHPAD, "
        "viennoiseries pour les réceptions.",
    },
    # Mobility and logistics
    {
        "key": "velo-solidaire",
        "name": "Vélo Solidaire Métropole",
        "legal_form": "scic",
        "esus": 2018,
        "size": "10-49",
        "people": 2,
        "themes": ["mobility"],
        "territories": [MEL],
        "website": "https://velo-solidaire.osez.demo",
        "description": "Coopérative d'ateliers vélo : réparation, entretien de flottes, "
        "vélo-école et ateliers mobiles au pied des immeubles, avec des salariés en parcours "
        "d'insertion.",
    },
    {
        "key": "coursiers-nord",
        "name": "Les Coursiers du Nord",
        "legal_form": "scop",
        "size": "10-49",
        "people": 2,
        "themes": ["mobility"],
        "territories": ["59350", MEL],
        "description": "Livraison en vélo-cargo et logistique urbaine du dernier kilomètre, avec "
        "un entrepôt de mutualisation en centre-ville.",
    },
    {
        "key": "droit-au-velo",
        "name": "Droit au Vélo Services",
        "legal_form": "association",
        "insertion": "aci",
        "size": "10-49",
        "people": 1,
        "themes": ["mobility"],
        "territories": ["59350", "59512"],
        "description": "Atelier d'insertion de réparation et de réemploi de vélos.",
    },
    {
        "key": "mobilite-pour-tous",
        "name": "Mobilité Pour Tous 59",
        "legal_form": "association",
        "insertion": "ei",
        "size": "10-49",
        "people": 2,
        "themes": ["mobility"],
        "territories": ["59"],
        "description": "Garage solidaire, location de véhicules à petit prix et auto-école sociale "
        "pour les personnes en insertion.",
    },
    {
        "key": "logistique-verte",
        "name": "Logistique Verte Insertion",
        "legal_form": "esus_company",
        "insertion": "ei",
        "esus": 2019,
        "size": "10-49",
        "people": 2,
        "themes": ["mobility"],
        "territories": [MEL],
        "description": "Entreprise d'insertion de logistique urbaine en véhicules électriques : "
        "tournées de livraison, navettes de courrier interne, gestion de quais.",
    },
    {
        "key": "cyclhop",
        "name": "Cycl'Hop",
        "legal_form": "esus_company",
        "disability": "ea",
        "size": "10-49",
        "people": 1,
        "themes": ["mobility"],
        "territories": [MEL],
        "description": "Entreprise adaptée spécialisée dans l'entretien de flottes de vélos et de "
        "vélos à assistance électrique.",
    },
    {
        "key": "transport-adapte",
        "name": "Transport Adapté Solidaire",
        "legal_form": "association",
        "size": "50-249",
        "people": 1,
        "themes": ["mobility"],
        "territories": ["59"],
        "description": "Transport de personnes à mobilité réduite et accompagnement aux "
        "déplacements.",
    },
    # Housing and living environment
    {
        "key": "batisseurs",
        "name": "Bâtisseurs d'Avenir",
        "legal_form": "esus_company",
        "insertion": "ei",
        "size": "50-249",
        "people": 2,
        "themes": ["housing"],
        "territories": [MEL, "59"],
        "description": "Entreprise d'insertion du second œuvre : peinture, revêtements de sols, "
        "plâtrerie, remise en état de logements.",
    },
    {
        "key": "renov-solidaire",
        "name": "Rénov'Solidaire",
        "legal_form": "association",
        "insertion": "aci",
        "esus": 2017,
        "size": "10-49",
        "people": 2,
        "themes": ["housing"],
        "territories": ["59512", "59599", "59650"],
        "description": "Chantier d'insertion de rénovation intérieure de logements vacants et de "
        "locaux associatifs.",
    },
    {
        "key": "compagnons-peintres",
        "name": "Les Compagnons Peintres",
        "legal_form": "scop",
        "size": "10-49",
        "people": 1,
        "themes": ["housing"],
        "territories": [MEL],
        "description": "SCOP de peinture et de ravalement, labellisée RGE.",
    },
    {
        "key": "toit-entraide",
        "name": "Toit d'Entraide",
        "legal_form": "association",
        "size": "10-49",
        "people": 1,
        "themes": ["housing"],
        "territories": [MEL],
        "description": "Auto-réhabilitation accompagnée et petits travaux chez les locataires "
        "fragiles.",
    },
    {
        "key": "energie-citoyenne",
        "name": "Nord Énergie Citoyenne",
        "legal_form": "scic",
        "esus": 2019,
        "size": "1-9",
        "people": 1,
        "themes": ["housing"],
        "territories": ["59"],
        "description": "Coopérative citoyenne de rénovation énergétique et de production "
        "d'énergie solaire sur les toits publics.",
    },
    {
        "key": "menuiserie-wattrelos",
        "name": "Menuiserie Solidaire de Wattrelos",
        "legal_form": "esus_company",
        "disability": "ea",
        "size": "10-49",
        "people": 2,
        "themes": ["housing"],
        "territories": ["59650", MEL],
        "description": "Entreprise adaptée de menuiserie : portes, placards, mobilier sur mesure "
        "en bois local.",
    },
    {
        "key": "geiq-btp",
        "name": "GEIQ BTP Métropole",
        "legal_form": "association",
        "insertion": "geiq",
        "size": "10-49",
        "people": 1,
        "themes": ["housing"],
        "territories": [MEL],
        "description": "Groupement d'employeurs qui forme et qualifie des salariés du bâtiment en "
        "alternance.",
    },
    {
        "key": "services-habitat",
        "name": "Services Habitat Plus",
        "legal_form": "association",
        "insertion": "ai",
        "size": "10-49",
        "people": 1,
        "themes": ["housing", "cleaning"],
        "territories": ["59410", "59163", "59299"],
        "description": "Association intermédiaire : mise à disposition de personnel pour "
        "l'entretien, le ménage et les petits travaux.",
    },
    # Green spaces
    {
        "key": "espaces-verts-pevele",
        "name": "Espaces Verts du Pévèle",
        "legal_form": "association",
        "disability": "esat",
        "size": "50-249",
        "people": 2,
        "themes": ["green_spaces"],
        "territories": ["59", "59560"],
        "description": "ESAT d'entretien d'espaces verts : tonte, taille, désherbage sans produits "
        "chimiques.",
    },
    {
        "key": "jardiniers-insertion",
        "name": "Les Jardiniers de l'Insertion",
        "legal_form": "association",
        "insertion": "aci",
        "size": "10-49",
        "people": 2,
        "themes": ["green_spaces"],
        "territories": ["59512", "59599", "59650"],
        "description": "Chantier d'insertion d'entretien des espaces verts et des pieds "
        "d'immeubles.",
    },
    {
        "key": "paysages-coop",
        "name": "Paysages Coopératifs",
        "legal_form": "scop",
        "size": "10-49",
        "people": 1,
        "themes": ["green_spaces"],
        "territories": [MEL],
        "description": "Conception et entretien de jardins et d'espaces publics en gestion "
        "différenciée.",
    },
    # Waste and circular economy
    {
        "key": "ressourcerie-flandres",
        "name": "Ressourcerie des Flandres",
        "legal_form": "association",
        "insertion": "aci",
        "esus": 2016,
        "size": "10-49",
        "people": 2,
        "themes": ["waste"],
        "territories": ["59", MEL],
        "description": "Collecte, réparation et revente d'objets ; vidage de locaux et réemploi "
        "de mobilier.",
    },
    {
        "key": "recyclerie-metropole",
        "name": "Recyclerie Métropolitaine",
        "legal_form": "esus_company",
        "insertion": "ei",
        "size": "50-249",
        "people": 2,
        "themes": ["waste"],
        "territories": [MEL],
        "description": "Collecte et tri des déchets de bureau, des cartons et des biodéchets des "
        "administrations.",
    },
    {
        "key": "compost-action",
        "name": "Compost'Action",
        "legal_form": "association",
        "size": "1-9",
        "people": 1,
        "themes": ["waste", "food"],
        "territories": ["59599", "59512"],
        "description": "Compostage partagé et collecte des biodéchets de la restauration "
        "collective à vélo.",
    },
    {
        "key": "bouteilles-retrouvees",
        "name": "Les Bouteilles Retrouvées",
        "legal_form": "scic",
        "esus": 2019,
        "size": "1-9",
        "people": 2,
        "themes": ["waste", "food"],
        "territories": ["59", "62"],
        "description": "Consigne et lavage de bouteilles et de bocaux en verre pour les "
        "producteurs et les cantines.",
    },
    {
        "key": "fontaines-carafes",
        "name": "Fontaines & Carafes Solidaires",
        "legal_form": "esus_company",
        "disability": "ea",
        "size": "10-49",
        "people": 1,
        "themes": ["waste", "other"],
        "territories": ["59"],
        "description": "Entreprise adaptée : pose et entretien de fontaines raccordées au réseau, "
        "carafes et gourdes personnalisées.",
    },
    {
        "key": "mobilier-reemploi",
        "name": "Mobilier Réemploi Nord",
        "legal_form": "esus_company",
        "insertion": "ei",
        "size": "10-49",
        "people": 1,
        "themes": ["waste"],
        "territories": ["59", "62"],
        "description": "Reconditionnement de mobilier de bureau et aménagement d'espaces de travail "
        "en réemploi.",
    },
    {
        "key": "ateliers-melantois",
        "name": "Les Ateliers du Mélantois",
        "legal_form": "association",
        "disability": "esat",
        "size": "50-249",
        "people": 2,
        "themes": ["waste", "other"],
        "territories": [MEL],
        "description": "ESAT : destruction de papiers confidentiels, conditionnement, mise sous pli.",
    },
    {
        "key": "zero-dechet",
        "name": "Collectif Zéro Déchet Lille",
        "legal_form": "association",
        "size": "1-9",
        "people": 1,
        "themes": ["waste"],
        "territories": ["59350"],
        "description": "Sensibilisation des agents et des usagers à la réduction des déchets.",
    },
    # Cleaning
    {
        "key": "net-services",
        "name": "Net'Services Insertion",
        "legal_form": "esus_company",
        "insertion": "ei",
        "size": "50-249",
        "people": 2,
        "themes": ["cleaning"],
        "territories": [MEL],
        "description": "Entreprise d'insertion de propreté : bureaux, écoles, vitrerie, produits "
        "écolabellisés.",
    },
    {
        "key": "proprete-adaptee",
        "name": "Propreté Adaptée Nord",
        "legal_form": "esus_company",
        "disability": "ea",
        "size": "50-249",
        "people": 2,
        "themes": ["cleaning"],
        "territories": ["59"],
        "description": "Entreprise adaptée de nettoyage de locaux administratifs et "
        "d'établissements recevant du public.",
    },
    {
        "key": "interim-solidaire",
        "name": "Intérim Solidaire Métropole",
        "legal_form": "esus_company",
        "insertion": "etti",
        "size": "10-49",
        "people": 1,
        "themes": ["cleaning", "other"],
        "territories": [MEL],
        "description": "Entreprise de travail temporaire d'insertion : missions en propreté, "
        "logistique et restauration.",
    },
    {
        "key": "esat-lys",
        "name": "ESAT de la Lys",
        "legal_form": "association",
        "disability": "esat",
        "size": "50-249",
        "people": 2,
        "themes": ["cleaning", "textiles"],
        "territories": ["59017", "59279"],
        "description": "Nettoyage de locaux, blanchisserie et repassage pour les collectivités.",
    },
    # Textiles
    {
        "key": "fil-solidaire",
        "name": "Fil Solidaire",
        "legal_form": "association",
        "insertion": "aci",
        "size": "10-49",
        "people": 2,
        "themes": ["textiles"],
        "territories": ["59512", "59599"],
        "description": "Atelier d'insertion de couture : retouches, vêtements de travail, sacs en "
        "textile recyclé.",
    },
    {
        "key": "atelier-textile",
        "name": "Atelier Textile Coopératif de Roubaix",
        "legal_form": "scop",
        "size": "10-49",
        "people": 1,
        "themes": ["textiles"],
        "territories": ["59512", "59"],
        "description": "Confection de vêtements professionnels fabriqués dans la métropole.",
    },
    {
        "key": "tri-textile",
        "name": "Tri-Textile Insertion",
        "legal_form": "esus_company",
        "insertion": "ei",
        "size": "50-249",
        "people": 1,
        "themes": ["textiles", "waste"],
        "territories": ["59"],
        "description": "Collecte, tri et valorisation des textiles usagés.",
    },
    # Digital
    {
        "key": "numerique-solidaire",
        "name": "Numérique Solidaire Hauts-de-France",
        "legal_form": "esus_company",
        "insertion": "ei",
        "esus": 2018,
        "size": "10-49",
        "people": 2,
        "themes": ["digital", "waste"],
        "territories": ["R32"],
        "description": "Reconditionnement d'ordinateurs et de smartphones, effacement certifié des "
        "données, revente à petit prix.",
    },
    {
        "key": "code-coop",
        "name": "Code Coop",
        "legal_form": "scop",
        "size": "10-49",
        "people": 1,
        "themes": ["digital"],
        "territories": [MEL],
        "description": "Développement de sites et de services en ligne accessibles (RGAA).",
    },
    {
        "key": "ateliers-numeriques",
        "name": "Ateliers Numériques Inclusifs",
        "legal_form": "association",
        "size": "1-9",
        "people": 1,
        "themes": ["digital"],
        "territories": ["59350", "59512"],
        "description": "Médiation numérique pour les usagers des services publics.",
    },
    {
        "key": "ea-data",
        "name": "Data Services Nord",
        "legal_form": "esus_company",
        "disability": "ea",
        "size": "50-249",
        "people": 1,
        "themes": ["digital"],
        "territories": ["59"],
        "description": "Entreprise adaptée de numérisation d'archives, saisie et indexation "
        "documentaire.",
    },
    # Other
    {
        "key": "mutuelle-solidaire",
        "name": "Mutuelle Solidaire du Nord",
        "legal_form": "mutual",
        "size": "50-249",
        "people": 1,
        "themes": ["other"],
        "territories": ["59"],
        "description": "Mutuelle de santé : prévention et qualité de vie au travail des agents.",
    },
    {
        "key": "fondation-emploi",
        "name": "Fondation Agir pour l'Emploi Local",
        "legal_form": "foundation",
        "size": "10-49",
        "people": 1,
        "themes": ["other"],
        "territories": ["R32"],
        "description": "Soutient les structures d'insertion qui se lancent sur les marchés publics.",
    },
    {
        "key": "cae-metropole",
        "name": "Coopérative d'Activités Métropole",
        "legal_form": "cooperative",
        "size": "50-249",
        "people": 1,
        "themes": ["other", "digital"],
        "territories": [MEL],
        "description": "Coopérative d'activité et d'emploi : graphistes, formateurs, artisans "
        "réunis dans une même entreprise.",
    },
    {
        "key": "independants-solidaires",
        "name": "Les Indépendants Solidaires",
        "legal_form": "esus_company",
        "insertion": "eiti",
        "size": "10-49",
        "people": 1,
        "themes": ["other", "cleaning"],
        "territories": [MEL],
        "description": "Accompagne des travailleurs indépendants en insertion : conciergerie, "
        "petits services, accueil d'événements.",
    },
    {
        "key": "impression-verte",
        "name": "Impression Verte",
        "legal_form": "association",
        "disability": "esat",
        "size": "50-249",
        "people": 1,
        "themes": ["other", "digital"],
        "territories": ["59"],
        "description": "ESAT d'imprimerie et de reprographie sur papier recyclé.",
    },
    {
        "key": "accueil-evenements",
        "name": "Accueil & Événements Solidaires",
        "legal_form": "association",
        "insertion": "aci",
        "size": "10-49",
        "people": 1,
        "themes": ["food", "other"],
        "territories": [MEL],
        "description": "Accueil, vestiaire et petite restauration pour les événements publics.",
    },
    {
        "key": "regie-roubaix-est",
        "name": "Régie de Quartier de Roubaix-Est",
        "legal_form": "association",
        "insertion": "aci",
        "size": "50-249",
        "people": 2,
        "themes": ["cleaning", "green_spaces", "housing"],
        "territories": ["59512"],
        "description": "Régie de quartier : entretien des parties communes, espaces verts et "
        "petits travaux avec les habitants du quartier.",
    },
]

# ESS structures whose declared types an organiser has not checked yet (the others are verified),
# and those that did not opt in the public directory.
ESS_NOT_VERIFIED = {"zero-dechet", "cae-metropole", "ferme-trichon", "accueil-evenements"}
ESS_NOT_LISTED = {"mutuelle-solidaire", "fondation-emploi", "geiq-btp", "transport-adapte"}

# People registered but not validated yet by the organisers (ESS key, index of the person).
PENDING_REGISTRATIONS = {("zero-dechet", 0), ("cae-metropole", 0), ("accueil-evenements", 0)}
# Registrations with an accessibility need: (organisation key, index of the person).
ACCESSIBLE_TABLE_NEEDED = {
    ("espaces-verts-pevele", 1): "Fauteuil roulant : table accessible et passage large.",
    ("ateliers-melantois", 0): "",
    ("proprete-adaptee", 1): "Malentendante : merci de privilégier une table au calme.",
    ("nord", 2): "",
    ("transport-adapte", 0): "",
}
# People who leave early (organisation key, index, local time they leave, reason).
LEAVING_EARLY = [
    ("region", 0, "14:30", "Commission permanente"),
    ("chu", 1, "15:00", "Réunion de service"),
    ("coursiers-nord", 1, "14:10", "Tournée de livraison"),
]

# --- Pitches --------------------------------------------------------------------------------
# `questions`: screening questions every interested structure answers, each with sample answers
# (the loader picks one per structure). Amounts: lt40k, 40k-90k, 90k-221k, 221k-750k, gt750k,
# unknown, not_shared. Routes: pitches/enums.py Route.

PITCHES = [
    {
        "key": "restauration",
        "buyer": "roubaix",
        "title": "Une restauration plus responsable et des goûters sains pour les accueils de loisirs",
        "summary": "Repas et goûters bio, locaux et faits maison pour 1 200 enfants accueillis "
        "les mercredis et pendant les vacances.",
        "description": (
            "La ville accueille chaque mercredi et pendant les vacances scolaires environ 1 200 "
            "enfants dans ses accueils de loisirs. Les repas et les goûters sont aujourd'hui "
            "livrés par un prestataire unique, avec peu de produits frais.\n\n"
            "Nous voulons, dès la rentrée 2020, des repas avec au moins 50 % de produits durables "
            "dont 20 % bio, des goûters faits maison sans emballage individuel, et des animations "
            "autour de l'alimentation pour les enfants. Le besoin pourrait être découpé en lots "
            "pour permettre à de petites structures de répondre."
        ),
        "theme": "food",
        "amount": "221k-750k",
        "consultation": "2020-03-15",
        "route": "social_clause",
        "territories": ["59512"],
        "lots": [
            "Repas des accueils de loisirs (mercredis et vacances)",
            "Goûters faits maison, bio et locaux",
            "Animations sur l'alimentation et le gaspillage",
        ],
        "questions": [
            (
                "Quelle part de produits bio et locaux pouvez-vous garantir ?",
                True,
                [
                    "Environ 40 % de bio et 70 % de produits régionaux, selon la saison.",
                    "Nos goûters sont 100 % bio, la farine et les œufs viennent de fermes du Nord.",
                    "Nous travaillons avec quarante fermes situées à moins de 80 km de Roubaix.",
                    "30 % de bio aujourd'hui, 50 % visés d'ici deux ans.",
                ],
            ),
            (
                "Quelle quantité pouvez-vous produire par jour ?",
                True,
                [
                    "Jusqu'à 400 repas par jour en liaison froide.",
                    "800 goûters par jour, 1 500 avec une équipe renforcée pendant les vacances.",
                    "Nous livrons déjà 2 000 repas par jour à d'autres collectivités.",
                    "Une centaine d'enfants par demi-journée pour les animations.",
                ],
            ),
        ],
    },
    {
        "key": "velo",
        "buyer": "mel",
        "author": "acheteur@osez.demo",
        "title": "Une plateforme mobile de réparation et d'entretien de vélos",
        "summary": "Un atelier vélo itinérant dans les communes de la métropole et l'entretien "
        "de nos 300 vélos de service.",
        "description": (
            "La Métropole veut encourager l'usage du vélo au quotidien. Nous cherchons une "
            "structure capable de faire tourner un atelier mobile de réparation dans les "
            "communes (marchés, gares, entreprises, quartiers prioritaires) et d'entretenir notre "
            "flotte de 300 vélos de service, dont une centaine à assistance électrique.\n\n"
            "Nous serons attentifs à l'emploi de personnes éloignées de l'emploi et à la "
            "formation des usagers à l'autoréparation."
        ),
        "theme": "mobility",
        "amount": "90k-221k",
        "consultation": "2020-02-01",
        "route": "adapted",
        "territories": [MEL],
        "lots": [
            "Atelier mobile de réparation dans les communes",
            "Entretien de la flotte de vélos de service",
        ],
        "questions": [
            (
                "Disposez-vous d'un véhicule atelier ou d'un triporteur équipé ?",
                True,
                [
                    "Oui, un triporteur électrique équipé et un utilitaire aménagé.",
                    "Nous avons deux remorques-ateliers tractées par vélo-cargo.",
                    "Pas encore ; nous prévoyons d'acheter un véhicule si le marché est attribué.",
                ],
            ),
            (
                "Sur quelles communes intervenez-vous déjà ?",
                False,
                [
                    "Lille, Roubaix et Villeneuve-d'Ascq.",
                    "Toute la métropole, avec une base à Lille-Fives.",
                    "Roubaix, Tourcoing et Wattrelos.",
                ],
            ),
        ],
    },
    {
        "key": "dernier-km",
        "buyer": "chu",
        "title": "Une livraison propre du dernier kilomètre pour nos fournisseurs",
        "summary": "Regrouper les livraisons de nos fournisseurs hors du campus et les acheminer "
        "en véhicules propres jusqu'aux services.",
        "description": (
            "Plus de 250 camions et camionnettes entrent chaque jour sur le campus hospitalier. "
            "Nous étudions une plateforme de regroupement en périphérie et une livraison du "
            "dernier kilomètre en vélo-cargo ou en véhicule électrique jusqu'aux services de "
            "soins, aux magasins et aux laboratoires.\n\n"
            "Ce pitch est un sourcing : nous voulons comprendre ce que les structures de "
            "logistique solidaire savent faire, à quel coût et avec quelles contraintes, avant "
            "d'écrire un cahier des charges."
        ),
        "theme": "mobility",
        "amount": "221k-750k",
        "consultation": "2020-09-01",
        "route": "sourcing",
        "territories": ["59350"],
        "lots": [],
        "questions": [
            (
                "Quels véhicules utilisez-vous ?",
                True,
                [
                    "Six vélos-cargos à assistance électrique et deux utilitaires électriques.",
                    "Des triporteurs de 250 kg de charge utile et un camion électrique de 12 m³.",
                    "Des véhicules électriques loués ; nous pouvons en ajouter selon le volume.",
                ],
            ),
            (
                "Pouvez-vous assurer des livraisons sous température dirigée ?",
                True,
                [
                    "Oui, avec des caissons isothermes validés pour le froid positif.",
                    "Pas aujourd'hui, mais nous pouvons nous associer à un partenaire équipé.",
                    "Oui pour le froid positif, non pour le surgelé.",
                ],
            ),
        ],
    },
    {
        "key": "bouteilles",
        "buyer": "nord",
        "title": "En finir avec les bouteilles en plastique dans l'administration",
        "summary": "Fontaines raccordées, carafes et gourdes pour remplacer 180 000 bouteilles "
        "en plastique par an dans nos bâtiments.",
        "description": (
            "Nos services consomment encore environ 180 000 petites bouteilles d'eau en plastique "
            "par an, surtout pour les réunions et l'accueil du public. Nous voulons les supprimer "
            "d'ici 2021.\n\n"
            "Nous recherchons l'installation et l'entretien de fontaines raccordées au réseau "
            "dans une quarantaine de sites, et la fourniture de carafes, verres et gourdes "
            "réemployables, lavés et remis en circulation. Le lot des carafes comportera une "
            "clause sociale d'insertion."
        ),
        "theme": "waste",
        "amount": "40k-90k",
        "consultation": "2020-04-01",
        "route": "adapted",
        "territories": ["59"],
        "lots": [
            "Installation et entretien de fontaines raccordées",
            "Carafes, verres et gourdes réemployables, avec lavage",
        ],
        "questions": [
            (
                "Comment assurez-vous l'entretien et le contrôle sanitaire des fontaines ?",
                True,
                [
                    "Désinfection trimestrielle et analyses annuelles par un laboratoire agréé.",
                    "Nous sous-traitons les analyses et assurons nous-mêmes l'entretien mensuel.",
                    "Nos équipes sont formées à l'hygiène ; un carnet d'entretien est tenu par site.",
                ],
            ),
        ],
    },
    {
        "key": "espaces-verts",
        "buyer": "habitat-metropole",
        "title": "Entretien des espaces verts de nos résidences",
        "summary": "Tonte, taille et désherbage sans pesticides autour de 60 résidences, avec "
        "des salariés en insertion.",
        "description": (
            "Nous entretenons les espaces extérieurs de 60 résidences dans la métropole, soit "
            "environ 45 hectares de pelouses, haies et massifs. Le marché actuel arrive à "
            "échéance à l'été 2020.\n\n"
            "Nous souhaitons le réserver aux structures d'insertion par l'activité économique, "
            "en lots géographiques pour que des structures de quartier puissent répondre, avec "
            "une gestion différenciée et l'implication des habitants."
        ),
        "theme": "green_spaces",
        "amount": "221k-750k",
        "consultation": "2020-05-15",
        "route": "reserved_siae",
        "territories": ["59512", "59599", "59650", "59350"],
        "lots": [
            "Roubaix et Wattrelos",
            "Tourcoing",
            "Lille et Lomme",
        ],
        "questions": [
            (
                "Combien de salariés en insertion pourriez-vous mobiliser sur le marché ?",
                True,
                [
                    "Une équipe de six salariés en insertion et un encadrant technique.",
                    "Huit à dix personnes selon la saison.",
                    "Quatre salariés en parcours et un chef d'équipe.",
                ],
            ),
        ],
    },
    {
        "key": "nettoyage",
        "buyer": "prefecture",
        "title": "Nettoyage des locaux de la préfecture et des sous-préfectures",
        "summary": "Entretien quotidien de 22 000 m² de bureaux et d'espaces d'accueil du "
        "public, réservé aux entreprises adaptées et aux ESAT.",
        "description": (
            "Le marché de nettoyage de la préfecture de Lille et des cinq sous-préfectures du "
            "Nord sera renouvelé en 2020. Nous envisageons de le réserver aux entreprises "
            "adaptées et aux ESAT, avec des produits écolabellisés et des horaires en journée."
        ),
        "theme": "cleaning",
        "amount": "221k-750k",
        "consultation": "2020-06-01",
        "route": "reserved_ea_esat",
        "territories": ["59"],
        "lots": ["Préfecture de Lille", "Sous-préfectures"],
        "questions": [
            (
                "Pouvez-vous intervenir en journée, en présence des agents ?",
                True,
                [
                    "Oui, c'est déjà notre organisation chez la plupart de nos clients.",
                    "Oui, entre 7 h et 19 h, avec une équipe dédiée.",
                ],
            ),
        ],
    },
    {
        "key": "biodechets",
        "buyer": "tourcoing",
        "title": "Collecte et valorisation des biodéchets des restaurants scolaires",
        "summary": "Collecter les restes de repas de 28 restaurants scolaires et les composter "
        "au plus près.",
        "description": (
            "Les 28 restaurants scolaires de la ville produisent environ 90 tonnes de biodéchets "
            "par an. Nous voulons les collecter séparément, si possible à vélo, les composter "
            "localement et sensibiliser les enfants au gaspillage alimentaire."
        ),
        "theme": "waste",
        "amount": "40k-90k",
        "consultation": "2020-03-01",
        "route": "adapted",
        "territories": ["59599"],
        "lots": [],
        "questions": [
            (
                "Où et comment seraient compostés les biodéchets ?",
                True,
                [
                    "Sur notre plateforme de compostage de Tourcoing, à 4 km des écoles.",
                    "Dans des composteurs de quartier gérés avec les habitants.",
                    "Par méthanisation chez un partenaire agricole, à défaut de compostage local.",
                ],
            ),
        ],
    },
    {
        "key": "vetements",
        "buyer": "lille",
        "title": "Vêtements de travail pour les agents des espaces verts et de la propreté",
        "summary": "Confection et retouche de 2 500 tenues par an, fabriquées dans la région, "
        "avec collecte des tenues usagées.",
        "description": (
            "Nous équipons chaque année environ 2 500 agents en tenues de travail. Nous "
            "voudrions des vêtements confectionnés dans la région, un service de retouche, et la "
            "collecte des tenues usagées pour les recycler. Une clause d'insertion sera prévue."
        ),
        "theme": "textiles",
        "amount": "90k-221k",
        "consultation": "2020-10-01",
        "route": "social_clause",
        "territories": ["59350"],
        "lots": ["Confection des tenues", "Retouches et collecte des tenues usagées"],
        "questions": [
            (
                "Où vos vêtements sont-ils fabriqués ?",
                True,
                [
                    "Dans notre atelier de Roubaix, à partir de tissus tissés en France.",
                    "Nous retouchons et recyclons ; la confection serait confiée à un partenaire.",
                ],
            ),
        ],
    },
    {
        "key": "informatique",
        "buyer": "mel",
        "author": "acheteur@osez.demo",
        "title": "Reconditionnement et seconde vie de notre parc informatique",
        "summary": "Effacer, reconditionner et redistribuer 1 500 ordinateurs et 600 téléphones "
        "réformés chaque année.",
        "description": (
            "La Métropole renouvelle chaque année environ 1 500 postes et 600 téléphones. Nous "
            "cherchons une structure capable de collecter ce matériel, d'effacer les données de "
            "manière certifiée, de le reconditionner et de le redonner à des associations ou à "
            "des foyers modestes de la métropole."
        ),
        "theme": "digital",
        "amount": "40k-90k",
        "consultation": "2020-06-15",
        "route": "social_clause",
        "territories": [MEL],
        "lots": [],
        "questions": [
            (
                "Quelle méthode d'effacement des données utilisez-vous ?",
                True,
                [
                    "Un logiciel certifié par l'ANSSI, avec un certificat d'effacement par appareil.",
                    "Effacement logiciel certifié, destruction physique des disques défectueux.",
                ],
            ),
        ],
    },
    {
        "key": "logements",
        "buyer": "logis-flandres",
        "title": "Remise en état de logements vacants entre deux locataires",
        "summary": "Peinture, sols et menuiseries de 400 logements par an, en lots accessibles "
        "aux structures d'insertion.",
        "description": (
            "Chaque année, environ 400 logements doivent être remis en état entre deux "
            "locataires, dans des délais courts. Nous voulons découper ce marché en lots par "
            "corps d'état et par secteur, et y inscrire une clause sociale d'insertion."
        ),
        "theme": "housing",
        "amount": "gt750k",
        "consultation": "2020-09-15",
        "route": "social_clause",
        "territories": [MEL],
        "lots": ["Peinture", "Revêtements de sols", "Menuiseries intérieures"],
        "questions": [
            (
                "En combien de jours pouvez-vous remettre en état un T3 ?",
                True,
                [
                    "Cinq jours ouvrés pour un T3 en état moyen.",
                    "Sept à dix jours, selon l'état du logement.",
                    "Trois jours pour la peinture seule.",
                ],
            ),
        ],
    },
    {
        "key": "mobilier",
        "buyer": "region",
        "title": "Du mobilier de bureau de réemploi pour nos nouveaux locaux",
        "summary": "Aménager 3 000 m² de bureaux avec du mobilier reconditionné plutôt que neuf.",
        "description": (
            "La Région regroupe plusieurs services dans de nouveaux locaux à Lille. Plutôt que "
            "d'acheter du mobilier neuf, nous voulons reconditionner le mobilier existant et le "
            "compléter par du mobilier de réemploi, avec une reprise de ce qui ne sert plus."
        ),
        "theme": "waste",
        "amount": "90k-221k",
        "consultation": "2020-04-15",
        "route": "sourcing",
        "territories": ["R32", "59350"],
        "lots": [],
        "questions": [],
    },
    {
        "key": "archives",
        "buyer": "universite",
        "title": "Numérisation des dossiers du service des ressources humaines",
        "summary": "Numériser et indexer 40 000 dossiers d'agents avant le déménagement des "
        "archives.",
        "description": (
            "Avant le déménagement de ses archives, l'université doit numériser et indexer "
            "environ 40 000 dossiers de personnels. Le besoin est ponctuel, sur six mois, et "
            "pourrait être confié par simple devis."
        ),
        "theme": "digital",
        "amount": "lt40k",
        "consultation": "2020-01-15",
        "route": "quote",
        "territories": [MEL],
        "lots": [],
        "questions": [
            (
                "Où le travail serait-il réalisé ?",
                True,
                [
                    "Dans nos ateliers sécurisés de Lille, avec un transport sous scellés.",
                    "Sur place, dans vos locaux, avec nos propres scanners.",
                ],
            ),
        ],
    },
]

# A draft the demo buyer has not published yet.
DRAFT_PITCH = {
    "key": "conciergerie",
    "buyer": "mel",
    "author": "acheteur@osez.demo",
    "title": "Accueil et vestiaire solidaires pour nos événements",
    "summary": "Accueil des invités, vestiaire et petite restauration lors d'une quinzaine "
    "d'événements par an.",
    "description": (
        "Brouillon : la Métropole organise chaque année une quinzaine d'événements publics. "
        "Nous aimerions confier l'accueil, le vestiaire et la petite restauration à des "
        "structures de l'ESS."
    ),
    "theme": "other",
    "amount": "unknown",
    "consultation": None,
    "route": "sourcing",
    "territories": [MEL],
    "lots": [],
    "questions": [],
}

# Interests: pitch key -> [(ESS key, message, lot numbers, wants a meeting, group partners)].
# A non-empty `partners` means the structure answers in a group.
INTERESTS = {
    "restauration": [
        (
            "cuisine-fives",
            "Nous préparons déjà les goûters de deux centres sociaux de Lille.",
            [1, 2],
            True,
            "",
        ),
        (
            "gouters-compagnie",
            "Notre biscuiterie peut fournir des goûters sans emballage "
            "individuel, livrés en bacs réemployables.",
            [2],
            True,
            "",
        ),
        (
            "panier-flamand",
            "Nous pouvons approvisionner le titulaire du lot repas en produits "
            "locaux, ou répondre avec un traiteur partenaire.",
            [1],
            True,
            "Traiteur Saveurs Partagées",
        ),
        ("saveurs-partagees", "", [1], True, ""),
        (
            "jardins-deule",
            "Nos maraîchers animent des ateliers cuisine et potager avec les enfants.",
            [3],
            True,
            "",
        ),
        (
            "compost-action",
            "Nous proposons des animations sur le gaspillage et le compostage.",
            [3],
            False,
            "",
        ),
        ("restocoop", "", [1, 3], True, ""),
    ],
    "velo": [
        (
            "velo-solidaire",
            "Nous faisons déjà tourner deux ateliers mobiles à Lille et "
            "entretenons la flotte d'une grande entreprise. Nous aimerions vous rencontrer.",
            [1, 2],
            True,
            "",
        ),
        (
            "droit-au-velo",
            "Notre atelier d'insertion peut prendre en charge l'entretien de la flotte.",
            [2],
            True,
            "",
        ),
        (
            "cyclhop",
            "Entretien de vélos à assistance électrique, y compris les batteries.",
            [2],
            True,
            "",
        ),
        ("coursiers-nord", "", [1], False, ""),
        (
            "mobilite-pour-tous",
            "Nous pourrions répondre en groupement pour les ateliers dans les "
            "quartiers prioritaires.",
            [1],
            True,
            "Droit au Vélo Services",
        ),
    ],
    "dernier-km": [
        (
            "coursiers-nord",
            "Notre entrepôt de Lille-Fives peut servir de point de regroupement.",
            [],
            True,
            "",
        ),
        (
            "logistique-verte",
            "Nous livrons déjà des pharmacies et des laboratoires en véhicules électriques.",
            [],
            True,
            "",
        ),
        ("velo-solidaire", "", [], False, ""),
        (
            "interim-solidaire",
            "Nous pouvons mettre à disposition des préparateurs de commandes.",
            [],
            False,
            "",
        ),
    ],
    "bouteilles": [
        (
            "fontaines-carafes",
            "C'est notre cœur de métier : 120 fontaines posées et entretenues dans le Nord.",
            [1, 2],
            True,
            "",
        ),
        (
            "bouteilles-retrouvees",
            "Nous lavons et remettons en circulation carafes et bocaux en verre.",
            [2],
            True,
            "",
        ),
        (
            "ateliers-melantois",
            "Notre ESAT peut assurer le lavage et la logistique des carafes.",
            [2],
            True,
            "",
        ),
        ("esat-lys", "", [2], False, ""),
        ("zero-dechet", "Nous pouvons accompagner la sensibilisation des agents.", [], False, ""),
    ],
    "espaces-verts": [
        (
            "jardiniers-insertion",
            "Nous entretenons déjà des pieds d'immeubles à Roubaix et Tourcoing.",
            [1, 2],
            True,
            "",
        ),
        (
            "regie-roubaix-est",
            "La régie connaît bien les résidences du quartier de l'Épeule et "
            "travaille avec les habitants.",
            [1],
            True,
            "",
        ),
        ("jardins-deule", "", [3], True, ""),
        (
            "services-habitat",
            "Nous pouvons renforcer les équipes au printemps, en mise à disposition de personnel.",
            [2],
            False,
            "",
        ),
    ],
    "nettoyage": [
        (
            "proprete-adaptee",
            "Nous nettoyons déjà des bâtiments de l'État à Lille.",
            [1, 2],
            True,
            "",
        ),
        (
            "esat-lys",
            "Nous pouvons prendre le lot des sous-préfectures d'Armentières et de Dunkerque.",
            [2],
            True,
            "",
        ),
    ],
    "biodechets": [
        (
            "compost-action",
            "Collecte à vélo et compostage de quartier : nous le faisons déjà pour trois écoles.",
            [],
            True,
            "",
        ),
        ("recyclerie-metropole", "", [], True, ""),
        (
            "jardins-deule",
            "Nous pouvons utiliser le compost dans nos parcelles maraîchères.",
            [],
            False,
            "",
        ),
    ],
    "vetements": [
        ("fil-solidaire", "Retouches et collecte des tenues usagées.", [2], True, ""),
        ("atelier-textile", "Confection dans notre atelier de Roubaix.", [1], True, ""),
        ("tri-textile", "", [2], False, ""),
    ],
    "informatique": [
        (
            "numerique-solidaire",
            "Nous reconditionnons 4 000 appareils par an et les "
            "redistribuons avec des associations de la métropole.",
            [],
            True,
            "",
        ),
        (
            "ateliers-numeriques",
            "Nous pouvons accompagner les familles qui recevront les ordinateurs.",
            [],
            True,
            "Numérique Solidaire Hauts-de-France",
        ),
        ("ressourcerie-flandres", "", [], False, ""),
    ],
    "logements": [
        ("batisseurs", "Nous intervenons sur les trois corps d'état.", [1, 2, 3], True, ""),
        ("renov-solidaire", "", [1], True, ""),
        (
            "compagnons-peintres",
            "Lot peinture, avec une clause d'insertion déjà pratiquée.",
            [1],
            True,
            "",
        ),
        ("menuiserie-wattrelos", "Lot menuiseries intérieures.", [3], True, ""),
        (
            "geiq-btp",
            "Nous pouvons mettre à disposition des alternants pour la clause sociale.",
            [],
            False,
            "",
        ),
    ],
    "mobilier": [
        (
            "mobilier-reemploi",
            "Nous avons aménagé 2 000 m² de bureaux en réemploi l'an dernier.",
            [],
            True,
            "",
        ),
        ("ressourcerie-flandres", "", [], True, ""),
        ("menuiserie-wattrelos", "Réparation et fabrication de mobilier sur mesure.", [], True, ""),
    ],
    "archives": [
        ("ea-data", "Numérisation et indexation dans nos ateliers sécurisés.", [], True, ""),
        ("impression-verte", "", [], False, ""),
    ],
}

# The buyer's decisions on some interests: (pitch key, ESS key, reason). No reason: shortlisted.
SHORTLISTED = [
    ("velo", "velo-solidaire"),
    ("velo", "cyclhop"),
    ("restauration", "cuisine-fives"),
    ("restauration", "gouters-compagnie"),
    ("bouteilles", "fontaines-carafes"),
    ("logements", "batisseurs"),
]
DECLINED = [
    (
        "dernier-km",
        "interim-solidaire",
        "Nous cherchons un service de transport complet, pas une mise à disposition de personnel.",
    ),
]

# Questions asked on pitches: pitch key -> [(ESS key, question, answer or "" if unanswered)].
QUESTIONS = {
    "restauration": [
        (
            "cuisine-fives",
            "Les repas seront-ils servis sur place par le titulaire ou par les "
            "animateurs de la ville ?",
            "Le service est assuré par nos animateurs ; le titulaire livre en liaison froide avant "
            "11 h et reprend les contenants.",
        ),
        (
            "gouters-compagnie",
            "Avez-vous une estimation du nombre de goûters par jour pendant les vacances ?",
            "Entre 600 et 900 goûters par jour en juillet, environ 400 les mercredis.",
        ),
        (
            "panier-flamand",
            "Les lots pourront-ils être attribués à un groupement de producteurs ?",
            "",
        ),
    ],
    "velo": [
        (
            "velo-solidaire",
            "Les vélos de service sont-ils regroupés sur un seul site ou "
            "répartis dans les bâtiments de la Métropole ?",
            "Ils sont répartis sur onze sites ; l'entretien se fera sur place, selon un calendrier "
            "trimestriel.",
        ),
        (
            "droit-au-velo",
            "Le marché prévoit-il la fourniture des pièces détachées ?",
            "Oui, les pièces seront payées sur bordereau de prix unitaires, en plus de la main "
            "d'œuvre.",
        ),
        ("mobilite-pour-tous", "Combien de journées d'atelier mobile prévoyez-vous par an ?", ""),
    ],
    "dernier-km": [
        (
            "logistique-verte",
            "Quel est le volume quotidien de colis concerné ?",
            "Environ 1 800 colis et 60 palettes par jour, avec des pointes le lundi.",
        ),
    ],
    "bouteilles": [
        (
            "bouteilles-retrouvees",
            "Les sites disposent-ils tous d'un point d'eau à proximité des salles de réunion ?",
            "Trente-deux sites sur quarante ; la visite des huit autres est prévue en janvier.",
        ),
        ("fontaines-carafes", "Souhaitez-vous l'achat ou la location des fontaines ?", ""),
    ],
    "espaces-verts": [
        (
            "espaces-verts-pevele",
            "Un ESAT peut-il intervenir en sous-traitance d'une SIAE titulaire d'un lot réservé ?",
            "Oui, la sous-traitance est possible dans la limite prévue par le règlement de la "
            "consultation ; la SIAE titulaire reste responsable de l'exécution.",
        ),
    ],
    "nettoyage": [
        (
            "net-services",
            "Une entreprise d'insertion peut-elle répondre à ce marché ?",
            "Non : ce marché sera réservé aux entreprises adaptées et aux ESAT (article L2113-12 "
            "du code de la commande publique). Un autre lot avec clause sociale est à l'étude.",
        ),
    ],
    "informatique": [
        (
            "numerique-solidaire",
            "Le matériel sera-t-il livré par la Métropole ou collecté sur site ?",
            "",
        ),
    ],
    "logements": [
        (
            "renov-solidaire",
            "Les délais d'intervention seront-ils compatibles avec des équipes en insertion ?",
            "Nous prévoyons dix jours ouvrés par logement pour le lot réservé aux chantiers "
            "d'insertion.",
        ),
    ],
}

# Messages of the structures' meeting requests (one per request, in turn).
MEETING_REQUEST_MESSAGES = [
    "Nous aimerions vous présenter notre offre et comprendre vos volumes.",
    "Un rendez-vous nous aiderait à préparer une réponse adaptée à vos lots.",
    "Nous pouvons venir avec un exemple de réalisation pour une collectivité voisine.",
    "Pouvons-nous échanger sur vos contraintes de calendrier et de livraison ?",
]

# --- The day itself (`load_demo --day`) -------------------------------------------------------
# The same event, loaded as if it were happening now (demo/day.py): the whole programme moves so
# that the meeting slot DAY_SLOT_NOW (0-based) started, on a five-minute mark, at least
# DAY_MINUTES_IN minutes ago (past the organisers' five no-show minutes). On the day the
# workshops come before the meetings, so that their idea boards are full and one is already
# closed and published: the afternoon's two blocks swap places (local times on the 2019 clock,
# before the move to now).
DAY_AFTERNOON = {"workshop": ("13:30", "15:00"), "meetings": ("15:05", "16:45")}
DAY_SLOT_NOW = 2
DAY_MINUTES_IN = 6

# More meeting requests for the day, so that most tables are busy in every slot: each structure
# asks a buyer whose themes meet its own (found by the loader), with one of these messages.
DAY_REQUEST_MESSAGES = [
    "Nous travaillons déjà avec deux communes de la métropole : pouvons-nous en parler ?",
    "Nous aimerions savoir si vos prochains marchés pourraient comporter un lot réservé.",
    "Vingt minutes pour vous présenter nos prestations et nos références ?",
]
# Requests still pending on the eve: the buyers accept all but these (they lapse when the
# organisers move to scheduling). Index in the order of the requests sent.
DAY_PENDING_LEFT = 3

# Workshop wishes: a participant's first choice follows their organisation's first theme that
# has a workshop (else a rotation), then the other workshops. Every DAY_NO_WISH-th participant
# ranks none: some of them take a seat on the day, the last ones join a waiting list.
DAY_WORKSHOP_OF_THEME = {
    "food": "food",
    "mobility": "mobility",
    "housing": "housing",
    "green_spaces": "housing",
    "waste": "waste",
    "textiles": "waste",
}
DAY_NO_WISH = 6
# The demo accounts' first choices (their boards: the buyer's idea is on the first, the
# structure's on the second).
DAY_DEMO_WORKSHOPS = {BUYER_ACCOUNT["email"]: "food", ESS_ACCOUNT["email"]: "mobility"}
DAY_WAITING = 3  # people on the waiting list of the workshop filled on the day
DAY_FILLED_WORKSHOP = "mobility"

# People who do not come (never checked in), besides the two the loader picks among the
# meetings (demo/day.py `Day.absentees`): (organisation key, index of the person).
DAY_ABSENT = [("mutuelle-solidaire", 0), ("pfra", 1)]

# What each side of a meeting that took place recorded: (outcome, note), taken in turn for
# the structures and for the buyers. Outcomes are matching.enums.Outcome values.
DAY_OUTCOMES_ESS = [
    ("quote_asked", "Devis à envoyer sous quinze jours, avec nos tarifs par site."),
    ("consultation_planned", "Surveiller la publication du marché ; préparer nos références."),
    ("partnership", "Monter un groupement avec une autre structure pour le lot 2."),
    ("informative", "Échange utile, pas de besoin avant l'an prochain."),
    ("reserved_lot", "Un lot réservé est envisagé : envoyer notre agrément."),
]
DAY_OUTCOMES_BUYERS = [
    ("informative", "Bonne connaissance du secteur ; à recontacter pour le sourcing."),
    ("reserved_lot", "Vérifier avec le service juridique la réservation du lot."),
    ("quote_asked", "Demander un devis comparatif."),
    ("insufficient_interest", "Offre trop éloignée de notre besoin."),
    ("other_follow_up", "Inviter la structure à la visite de site du mois prochain."),
]
DAY_NOT_HELD = ("not_held", "Partenaire absent ; à reprogrammer par téléphone.")

# The venue screen the organisers open on the Atrium's big screen.
DAY_SCREEN = "Écran de l'Atrium"

# Idea boards, per workshop theme. `settings`: what the facilitator chose (votes per person,
# vote counts hidden until voting closes, voting closed, board closed: closing publishes the
# retained leads on the event's public page). Each idea: title, text, `anonymous`, `heading`
# (index in `headings`), `votes` (dots it gets from the seated participants), `status`
# (retained / not_retained; open by default), `hidden`, `merge` (index of the idea it duplicates),
# `author` (a demo account's email; otherwise a seated participant in turn), `comments`
# ((text, anonymous)).
DAY_BOARDS = {
    "food": {
        "settings": {"vote_budget": 3, "counts_hidden": False, "voting_closed": False},
        "closed": False,
        "headings": ["Approvisionnement local", "Lutte contre le gaspillage", "Accès aux marchés"],
        "ideas": [
            {
                "title": "Allotir finement les marchés de restauration",
                "text": "Un lot par famille de produits (légumes, pain, laitages) pour que les "
                "maraîchers et les boulangeries d'insertion puissent répondre seuls.",
                "heading": 2,
                "votes": 11,
                "status": "retained",
                "author": BUYER_ACCOUNT["email"],
                "comments": [
                    ("Le lot pain intéresse déjà deux boulangeries solidaires.", False),
                    (
                        "Attention au seuil de publicité par lot : à vérifier avec le juridique.",
                        True,
                    ),
                ],
            },
            {
                "title": "Des goûters préparés par un traiteur d'insertion",
                "text": "Produits de saison, pas de suremballage, livraison en caisses "
                "réutilisables dans les accueils de loisirs.",
                "heading": 0,
                "votes": 8,
                "status": "retained",
                "comments": [("Nous livrons déjà 400 goûters le mercredi à Roubaix.", False)],
            },
            {
                "title": "Un diagnostic gaspillage dans chaque cantine",
                "text": "Peser les restes pendant deux semaines avant de rédiger le cahier des "
                "charges, avec une association de prévention.",
                "heading": 1,
                "votes": 6,
                "status": "retained",
            },
            {
                "title": "Découper les marchés en petits lots",
                "text": "Plus de lots, plus petits, pour les producteurs locaux.",
                "merge": 0,
                "votes": 2,
            },
            {
                "title": "Une légumerie partagée entre communes",
                "text": "Laver et éplucher les légumes bruts localement, dans un chantier "
                "d'insertion, pour plusieurs cuisines centrales.",
                "anonymous": True,
                "heading": 0,
                "votes": 5,
                "comments": [("Il faudrait un portage intercommunal.", False)],
            },
            {
                "title": "Des contrats de trois ans avec les maraîchers",
                "text": "Donner de la visibilité pour planifier les cultures.",
                "anonymous": True,
                "heading": 2,
                "votes": 3,
                "status": "not_retained",
                "comments": [("Durée difficile à tenir avec nos budgets annuels.", True)],
            },
            {
                "title": "Visitez notre boutique en ligne !",
                "text": "Promotions toute la semaine.",
                "hidden": True,
            },
        ],
    },
    "mobility": {
        "settings": {"vote_budget": 5, "counts_hidden": True, "voting_closed": False},
        "closed": False,
        "headings": ["Vélo et réparation", "Logistique du dernier kilomètre"],
        "ideas": [
            {
                "title": "Un atelier mobile de réparation sur chaque site",
                "text": "Une demi-journée par mois sur les onze sites de la Métropole, avec des "
                "mécaniciens en insertion.",
                "heading": 0,
                "votes": 12,
                "author": ESS_ACCOUNT["email"],
                "comments": [
                    ("Les agents pourraient aussi y faire réparer leur vélo personnel.", False),
                ],
            },
            {
                "title": "Mutualiser la livraison entre hôpitaux et mairies",
                "text": "Une plateforme de cyclologistique commune aux acheteurs publics du "
                "centre de Lille.",
                "heading": 1,
                "votes": 9,
                "comments": [
                    ("Le CHU serait partant pour un essai de six mois.", False),
                    ("Prévoir un lot pour les palettes lourdes.", True),
                ],
            },
            {
                "title": "Des vélos cargos en location longue durée",
                "text": "Pour les services techniques, entretien compris.",
                "anonymous": True,
                "heading": 0,
                "votes": 7,
            },
            {
                "title": "Une clause de livraison zéro émission",
                "text": "Dans tous les marchés de fournitures livrées dans l'hypercentre.",
                "heading": 1,
                "votes": 6,
            },
            {
                "title": "Un transport adapté partagé",
                "text": "Pour les rendez-vous médicaux des personnes âgées des petites communes.",
                "anonymous": True,
                "votes": 4,
                "comments": [("C'est plutôt un sujet pour le Département.", False)],
            },
        ],
    },
    "housing": {
        "settings": {"vote_budget": 3, "counts_hidden": False, "voting_closed": True},
        "closed": False,
        "headings": ["Chantiers d'insertion", "Rénovation énergétique"],
        "ideas": [
            {
                "title": "Un lot réservé « second œuvre » par programme",
                "text": "Peinture, sols et petite menuiserie réservés aux chantiers d'insertion "
                "dans chaque programme de réhabilitation.",
                "heading": 0,
                "votes": 10,
                "status": "retained",
                "comments": [("Dix jours par logement, c'est tenable pour nos équipes.", False)],
            },
            {
                "title": "Des visites de chantiers avant la consultation",
                "text": "Montrer les logements aux structures trois mois avant pour qu'elles "
                "préparent leurs équipes.",
                "heading": 0,
                "votes": 7,
                "status": "retained",
            },
            {
                "title": "Former des salariés en insertion à l'isolation",
                "text": "Un parcours qualifiant avec le GEIQ, en lien avec les marchés de "
                "rénovation énergétique.",
                "anonymous": True,
                "heading": 1,
                "votes": 6,
                "comments": [("Le GEIQ BTP peut porter la formation.", False)],
            },
            {
                "title": "Entretien des espaces verts par une entreprise adaptée",
                "text": "Pour les résidences de plus de cent logements.",
                "votes": 4,
                "status": "not_retained",
            },
        ],
    },
    "waste": {
        "settings": {"vote_budget": 3, "counts_hidden": False, "voting_closed": False},
        "closed": True,
        "headings": ["Plastique", "Réemploi du mobilier et du matériel"],
        "ideas": [
            {
                "title": "Des fontaines à eau et des carafes dans toutes les salles",
                "text": "Fin des bouteilles en plastique dans les réunions, avec un entretien "
                "confié à une structure d'insertion.",
                "heading": 0,
                "votes": 12,
                "status": "retained",
                "comments": [("Trente-deux sites ont déjà un point d'eau.", False)],
            },
            {
                "title": "Une ressourcerie pour le mobilier de bureau réformé",
                "text": "Collecte, remise en état et revente ou don du mobilier des "
                "administrations de la métropole.",
                "heading": 1,
                "votes": 9,
                "status": "retained",
            },
            {
                "title": "Reconditionner les ordinateurs des agents",
                "text": "Effacement certifié des données, puis don aux associations.",
                "anonymous": True,
                "heading": 1,
                "votes": 7,
                "status": "retained",
                "comments": [("Prévoir le certificat d'effacement dans le marché.", True)],
            },
            {
                "title": "Composter les biodéchets des cantines",
                "text": "Des composteurs partagés gérés par une association de quartier.",
                "votes": 3,
                "status": "not_retained",
            },
        ],
    },
}
