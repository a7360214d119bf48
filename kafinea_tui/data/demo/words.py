"""Word lists for the demo workspace: European names with their accents, cities, companies.

Kept apart from `demo.py` so the generator reads as a recipe. The accents are the point: the demo
must show that names like Zoé, François, Müller or Łukasz survive every import and export.
"""

from __future__ import annotations

FIRST_NAMES: tuple[str, ...] = (
    "Zoé", "François", "Hélène", "Léa", "Chloé", "Jérôme", "Amélie", "Benoît", "Céline", "Noël",
    "Inès", "Gaël", "Maëlle", "Renée", "Thérèse", "Ségolène", "Hervé", "Élodie", "Loïc", "Agnès",
    "Jürgen", "Jörg", "Björn", "Günther", "Käthe", "Sören", "Friederike", "Anke", "Lukas", "Marie",
    "Łukasz", "Małgorzata", "Paweł", "Zofia", "Wojciech", "Agnieszka", "Michał", "Bożena",
    "José", "María", "Begoña", "Íñigo", "Nuño", "Lucía", "Sofía", "Ramón",
    "João", "Inês", "Conceição", "Gonçalo",
    "Niccolò", "Lucrezia", "Raffaele", "Giulia",
    "Søren", "Åsa", "Øystein", "Ingrid", "Eliška", "Tomáš", "Jiří", "Zuzana",
    "Anna", "Paul", "Emma", "Louis", "Julia", "Thomas", "Sarah", "David",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Martin", "Bernard", "Dubois", "Lefèvre", "Girard", "Rousseau", "Fontaine", "Mercier",
    "Chevalier", "Lemaître", "Bélanger", "Gauthier", "Brûlé", "Côté", "Hébert", "Pâquet",
    "Müller", "Schröder", "Weiß", "Groß", "Köhler", "Jäger", "Schäfer", "Krüger", "Böhm", "Vogel",
    "Kowalski", "Wiśniewski", "Wójcik", "Lewandowski", "Zieliński", "Szymański", "Dąbrowski",
    "García", "Fernández", "Muñoz", "Pérez", "Sánchez", "Gómez", "Ibáñez",
    "Gonçalves", "Conceição", "Araújo", "Rossi", "Bianchi", "Ricci", "Esposito", "Colombo",
    "Jensen", "Søndergaard", "Nyström", "Åberg", "Novák", "Dvořák", "Horváth", "Janssens",
    "De Smet", "Van den Berg", "O'Brien", "Peeters",
)  # fmt: skip

# (city, zip, country, phone prefix); the zip is a believable one for the city.
CITIES: tuple[tuple[str, str, str, str], ...] = (
    ("Paris", "75011", "France", "+33 1"),
    ("Lyon", "69003", "France", "+33 4"),
    ("Marseille", "13008", "France", "+33 4"),
    ("Toulouse", "31000", "France", "+33 5"),
    ("Nantes", "44000", "France", "+33 2"),
    ("Besançon", "25000", "France", "+33 3"),
    ("Orléans", "45000", "France", "+33 2"),
    ("Nîmes", "30000", "France", "+33 4"),
    ("Saint-Étienne", "42000", "France", "+33 4"),
    ("Montréal-la-Cluse", "01460", "France", "+33 4"),
    ("Berlin", "10115", "Germany", "+49 30"),
    ("München", "80331", "Germany", "+49 89"),
    ("Köln", "50667", "Germany", "+49 221"),
    ("Düsseldorf", "40213", "Germany", "+49 211"),
    ("Zürich", "8001", "Switzerland", "+41 44"),
    ("Genève", "1201", "Switzerland", "+41 22"),
    ("Bruxelles", "1000", "Belgium", "+32 2"),
    ("Liège", "4000", "Belgium", "+32 4"),
    ("Kraków", "31-001", "Poland", "+48 12"),
    ("Łódź", "90-001", "Poland", "+48 42"),
    ("Gdańsk", "80-001", "Poland", "+48 58"),
    ("Málaga", "29001", "Spain", "+34 952"),
    ("Córdoba", "14001", "Spain", "+34 957"),
    ("A Coruña", "15001", "Spain", "+34 981"),
    ("Lisboa", "1100-148", "Portugal", "+351 21"),
    ("Torino", "10121", "Italy", "+39 011"),
    ("Forlì", "47121", "Italy", "+39 0543"),
    ("Göteborg", "411 03", "Sweden", "+46 31"),
    ("Århus", "8000", "Denmark", "+45 86"),
    ("Brno", "602 00", "Czechia", "+420 5"),
)

STREETS: tuple[str, ...] = (
    "rue de la République", "avenue Jean-Jaurès", "boulevard Haussmann", "rue du Faubourg",
    "place de l'Église", "Hauptstraße", "Königsallee", "Schillerstraße", "ulica Długa",
    "calle Mayor", "rua Augusta", "via Roma", "Drottninggatan", "chemin des Écoliers",
)  # fmt: skip

COMPANY_WORDS: tuple[str, ...] = (
    "Atelier", "Boulangerie", "Brasserie", "Château", "Comptoir", "Fromagerie", "Forge", "Verrerie",
    "Bäckerei", "Brauerei", "Werkstatt", "Maschinenbau", "Stahlwerk", "Fenêtres", "Énergie",
    "Électricité", "Menuiserie", "Transports", "Logistique", "Pharmacie", "Optique", "Imprimerie",
    "Studio", "Conseil", "Informatique", "Bâtiment", "Jardinerie", "Hôtellerie", "Mécanique",
    "Chocolaterie",
)  # fmt: skip
COMPANY_SUFFIXES: tuple[str, ...] = (
    "SARL", "SA", "SAS", "GmbH", "AG", "& Fils", "et Associés", "Sp. z o.o.", "S.L.", "S.r.l.",
    "Lda", "AB", "BV", "KG",
)  # fmt: skip

TITLES: tuple[str, ...] = (
    "Directeur général", "Directrice financière", "Responsable achats", "Chef de projet",
    "Geschäftsführer", "Einkaufsleiterin", "Office Manager", "Head of Operations", "Comptable",
    "Ingénieure qualité", "Kierownik sprzedaży", "Sales Manager", "Buyer", "CTO",
)  # fmt: skip
DEPARTMENTS: tuple[str, ...] = (
    "Direction",
    "Finance",
    "Achats",
    "Einkauf",
    "Operations",
    "Ventes",
    "IT",
    "Qualité",
)

PRODUCTS: tuple[tuple[str, str, str], ...] = (
    # (name, category, manufacturer)
    ("Fauteuil ergonomique", "Hardware", "Mobilier Éco"),
    ("Bureau réglable", "Hardware", "Mobilier Éco"),
    ("Écran 27 pouces", "Hardware", "Optik Müller"),
    ("Clavier AZERTY", "Accessory", "Périphériques Lumière"),
    ("Souris sans fil", "Accessory", "Périphériques Lumière"),
    ("Station d'accueil", "Accessory", "Dock & Co"),
    ("Licence CRM annuelle", "Software", "Kafinea"),
    ("Module de facturation", "Software", "Kafinea"),
    ("Formation sur site", "Service", "Kafinea"),
    ("Maintenance préventive", "Service", "Servicios Ibáñez"),
    ("Courroie de transmission", "Spare Part", "Maschinenbau Köhler"),
    ("Roulement à billes", "Spare Part", "Maschinenbau Köhler"),
    ("Filtre à café", "Spare Part", "Brûlerie Côté"),
    ("Machine à café pro", "Hardware", "Brûlerie Côté"),
    ("Imprimante laser", "Hardware", "Druck Schröder"),
    ("Cartouche de toner", "Spare Part", "Druck Schröder"),
    ("Routeur Wi-Fi", "Hardware", "Sieć Wiśniewski"),
    ("Câble réseau 5 m", "Accessory", "Sieć Wiśniewski"),
    ("Audit de sécurité", "Service", "Conseil Fontaine"),
    ("Sauvegarde en ligne", "Software", "Nuage Søndergaard"),
    ("Casque audio", "Accessory", "Sonido García"),
    ("Lampe de bureau", "Accessory", "Lumière Dvořák"),
    ("Tableau blanc", "Hardware", "Mobilier Éco"),
    ("Vidéoprojecteur", "Hardware", "Optik Müller"),
    ("Support technique premium", "Service", "Kafinea"),
)
