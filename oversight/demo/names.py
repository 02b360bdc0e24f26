"""Invented names for the demo council: common first and family names mixed at random.

No list here names a real person: a demo name is one first name drawn against one family name, as
varied as the staff and children of an English council. Locality names are made up too, so no
demo team can be mistaken for a real council's.
"""

from __future__ import annotations

ADULT_FIRST_NAMES = (
    "Abena", "Abdi", "Adaeze", "Adam", "Agnieszka", "Aidan", "Aisha", "Alex", "Alison", "Amaka",
    "Amanda", "Amir", "Amrit", "Andrea", "Andrei", "Angela", "Anita", "Aoife", "Asha", "Ayesha",
    "Babajide", "Bernadette", "Bisi", "Bronwen", "Carla", "Caroline", "Catherine", "Chantelle",
    "Chidi", "Chipo", "Chloe", "Ciaran", "Claire", "Colette", "Dami", "Daniel", "Darren", "Deborah",
    "Deepa", "Delroy", "Denise", "Dominika", "Donna", "Efua", "Elif", "Emeka", "Emma", "Emre",
    "Esther", "Fatima", "Farah", "Fiona", "Folake", "Funmi", "Gareth", "Gemma", "Grace", "Gurpreet",
    "Hannah", "Harpreet", "Helen", "Hodan", "Ian", "Imran", "Ioana", "Irene", "Jack", "Jade",
    "James", "Jasmine", "Jennifer", "Jerome", "Joanne", "Jodie", "Jonathan", "Joseph", "Joy",
    "Julie", "Karen", "Katarzyna", "Kate", "Kelly", "Kemi", "Kerry", "Kwame", "Lakshmi", "Laura",
    "Leanne", "Lisa", "Lorraine", "Lucy", "Mandeep", "Marcus", "Marek", "Maria", "Marsha",
    "Martin", "Maryam", "Matthew", "Mei", "Michelle", "Mohammed", "Monika", "Nadia", "Naomi",
    "Natalie", "Neil", "Ngozi", "Niamh", "Nicola", "Nisha", "Olu", "Patience", "Paul", "Priya",
    "Rachel", "Rajesh", "Rebecca", "Rhian", "Richard", "Rosa", "Ruth", "Saba", "Sadia", "Samina",
    "Samuel", "Sandra", "Sarah", "Shabana", "Shanice", "Sharon", "Simon", "Siobhan", "Sophie",
    "Stacey", "Stephen", "Sunita", "Tariq", "Temi", "Tendai", "Tomasz", "Tracey", "Tunde",
    "Usha", "Vanessa", "Victoria", "Wei", "Yasmin", "Yetunde", "Yusuf", "Zainab", "Zoe",
)  # fmt: skip

CHILD_FIRST_NAMES = (
    "Aaliyah", "Alfie", "Amelia", "Amira", "Archie", "Arthur", "Ava", "Ayaan", "Bella", "Bradley",
    "Callum", "Charlie", "Chloe", "Courtney", "Daisy", "Darcy", "Demi", "Eden", "Elsie", "Emeka",
    "Esme", "Ethan", "Evie", "Ezra", "Faith", "Filip", "Florence", "Freddie", "Freya", "George",
    "Grace", "Hafsa", "Harley", "Harper", "Harry", "Hassan", "Ibrahim", "Imani", "Isaac", "Isla",
    "Ivy", "Jacob", "Jakub", "Jayden", "Jessica", "Jordan", "Kacper", "Kai", "Kayden", "Keira",
    "Kian", "Kieran", "Kofi", "Layla", "Leah", "Leo", "Liam", "Lily", "Logan", "Lola", "Luca",
    "Maisie", "Maryam", "Mason", "Mateo", "Megan", "Mia", "Millie", "Mohammed", "Musa", "Nathan",
    "Nia", "Noah", "Noor", "Olivia", "Oliver", "Oscar", "Phoebe", "Poppy", "Reggie", "Riley",
    "Rosie", "Ruby", "Safiya", "Samuel", "Scarlett", "Shannon", "Sienna", "Sofia", "Summer", "Theo",
    "Tobi", "Tommy", "Tyler", "Tyrese", "Willow", "Yusuf", "Zain", "Zara", "Zayn", "Zofia",
)  # fmt: skip

FAMILY_NAMES = (
    "Adebayo", "Ahmed", "Akhtar", "Ali", "Allen", "Appiah", "Asante", "Bailey", "Baker", "Bakare",
    "Banks", "Begum", "Bell", "Bennett", "Boateng", "Brown", "Byrne", "Campbell", "Carter", "Chen",
    "Chowdhury", "Clarke", "Collins", "Cooper", "Costa", "Davies", "Demir", "Desai", "Doyle",
    "Edwards", "Evans", "Farah", "Ferreira", "Fletcher", "Fraser", "Gill", "Gordon", "Green",
    "Gupta", "Hall", "Harris", "Hassan", "Horvath", "Hughes", "Hussain", "Iqbal", "Islam",
    "Jackson", "James", "Johnson", "Jones", "Joshi", "Kaur", "Kelly", "Khan", "King", "Kowalski",
    "Lewis", "Malik", "Martin", "Mensah", "Miah", "Mistry", "Mitchell", "Mohamed", "Moore",
    "Morgan", "Murphy", "Murray", "Nguyen", "Nowak", "Nwosu", "O'Brien", "O'Connor", "Okafor",
    "Okonkwo", "Osei", "Owusu", "Parker", "Patel", "Phillips", "Popescu", "Price", "Rahman",
    "Reid", "Richards", "Roberts", "Robinson", "Santos", "Scott", "Shah", "Sharma", "Silva",
    "Singh", "Smith", "Stewart", "Taylor", "Thomas", "Thompson", "Turner", "Uddin", "Varga",
    "Walker", "Walsh", "Ward", "Warsame", "Watson", "White", "Williams", "Wilson", "Wong", "Wood",
    "Wright", "Yilmaz", "Young",
)  # fmt: skip

# Invented places for a large council's localities; a small council has just one, unnamed.
LOCALITIES = (
    "Ashcombe", "Brackenford", "Colverton", "Dunsmere", "Evenbrook", "Fernleigh", "Greystowe",
    "Hollinwade", "Islemoor", "Kettlebury", "Larkhampton", "Millbourne", "Northwick Vale",
    "Oakhollow", "Pennystone", "Redmarsh", "Saltcote", "Thornbury Down", "Underwood Cross",
    "Wexcombe",
)  # fmt: skip
