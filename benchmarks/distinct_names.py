"""The workload of benchmarks/distinct.py: a seeded file of mostly distinct parties, names a batch has never
seen before.

    rows, typos = parties(200_000, seed=18, listed=typo_sources(read(LISTS)))

Persons of many naming cultures (Anglo, Hispanic with two surnames, Arabic with bin and al-, Russian
with patronymics, Chinese pinyin, Korean, Japanese, Vietnamese, German, French, Indian, Turkish, West
and East African), companies with legal forms (some with numbers, some with a prefix form such as PT or
OOO "..."), a tenth in upper case as payment files write them, and about 3% typo'd variants of names
from the lists themselves (two letters swapped, a letter dropped, a letter doubled, the words
reordered). A name already drawn is drawn again (up to `RETRIES` times), so that the names are distinct
but for a handful. Only the small word lists below and the list files: no network.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Sequence
from pathlib import Path

from clearance.datasets.lists.base import ListData
from clearance.domain.enums import NameType

TYPO_SHARE = 0.03  # rows that are a typo'd variant of a listed name
PERSON_SHARE = 0.58  # of the other rows: persons (the rest are companies)
UPPER_SHARE = 0.1  # rows written in upper case
RETRIES = 20  # draws of a new name when one is already taken

ANGLO_GIVEN = """James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel
Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward
Jason Jeffrey Ryan Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy
Betty Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie Rebecca
Laura Kathleen Amy Angela Brenda Emma Olivia Grace Chloe""".split()
ANGLO_FAMILY = """Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Moore Jackson
Thompson White Harris Clark Lewis Robinson Walker Young Allen Wright Scott Hill Green Adams Baker Nelson
Carter Mitchell Roberts Turner Phillips Campbell Parker Evans Edwards Collins Stewart Morris Murphy Cook
Rogers Morgan Cooper Peterson Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Watson Brooks Bennett
Gray Hughes Price Sanders Myers Ross Foster Fletcher Hawkins Palmer Holmes Lloyd Barker Webb Hunt Marshall
Grant Spencer""".split()
HISPANIC_GIVEN = """José Juan Luis Carlos Jorge Miguel Antonio Francisco Manuel Pedro Alejandro Fernando
Ricardo Eduardo Javier Sergio Raúl Andrés Diego Rafael Roberto Alberto Enrique Héctor Pablo María Ana
Carmen Laura Isabel Lucía Elena Rosa Patricia Sofía Marta Teresa Gabriela Valentina Daniela Camila Paula
Andrea Beatriz Claudia Silvia Julia Mercedes Pilar Inés Alicia""".split()
HISPANIC_FAMILY = """García Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Torres
Flores Rivera Gómez Díaz Cruz Morales Reyes Gutiérrez Ortiz Ramos Ruiz Chávez Castillo Jiménez Vázquez
Romero Herrera Medina Aguilar Moreno Álvarez Castro Vargas Mendoza Guerrero Rojas Navarro Delgado Vega
Cabrera Ortega Molina Domínguez Suárez Soto Fuentes Contreras Salazar Peña Cortés Sandoval Espinoza
Acosta Núñez Campos Luna Ibarra Quintero Serrano Paredes""".split()
ARABIC_MALE = """Mohammed Ahmed Ali Omar Khalid Hassan Hussein Ibrahim Youssef Mahmoud Mustafa Abdullah
Abdulaziz Saeed Faisal Tariq Hamza Bilal Karim Nasser Samir Walid Ziad Rami Adel Jamal Majid Rashid Saleh
Sultan Fahd Nabil Hisham Marwan Osama Yasser Anas Bassam Imad Salman Mansour Talal Ghassan Jawad""".split()
ARABIC_FEMALE = (
    "Fatima Aisha Mariam Layla Noor Huda Amal Rania Salma Zainab Yasmin Hana Samira Dalia Reem".split()
)
ARABIC_FAMILY = """Qahtani Harbi Shammari Otaibi Ghamdi Zahrani Dosari Mutairi Anazi Hashimi Masri Tamimi
Najjar Haddad Khoury Rashidi Baghdadi Saadi Jaber Hakim Amin Sabbagh Halabi Dabbagh Khatib Banna Attar
Kurdi Sharif Bakri Jubouri Obeidi Azzam Nuaimi Marri Kaabi Suwaidi Mansouri Falasi Shamsi""".split()
ARABIC_ARTICLE = ["al-", "Al ", "el-", "Al-"]
RUSSIAN_MALE = """Aleksandr Dmitry Sergei Andrei Alexei Maxim Ivan Mikhail Nikolai Vladimir Pavel Yuri Igor
Oleg Viktor Roman Artem Denis Anton Boris Gennady Konstantin Leonid Stanislav Vadim Vasily Fyodor Grigory
Timur Yevgeny""".split()
RUSSIAN_FEMALE = """Anna Maria Elena Olga Natalia Tatiana Irina Svetlana Ekaterina Yulia Anastasia Marina
Daria Ksenia Polina Vera Lyudmila Galina Nadezhda Valentina""".split()
# patronymics are these + "ich" (a son) or "na" (a daughter): Aleksandrovich, Aleksandrovna
RUSSIAN_FATHER = """Aleksandrov Dmitriev Sergeev Andreev Alekseev Maksimov Ivanov Mikhailov Nikolaev
Vladimirov Pavlov Yuriev Igorev Olegov Viktorov Romanov Artemov Denisov Antonov Borisov Gennadiev
Konstantinov Leonidov Stanislavov Vadimov Vasiliev Fyodorov Grigoriev Timurov Yevgeniev""".split()
# family names of a man; a woman's adds "a": Ivanova
RUSSIAN_FAMILY = """Ivanov Smirnov Kuznetsov Popov Vasiliev Petrov Sokolov Mikhailov Novikov Fedorov
Morozov Volkov Alekseev Lebedev Semenov Egorov Pavlov Kozlov Stepanov Nikolaev Orlov Andreev Makarov
Nikitin Zakharov Zaitsev Soloviev Borisov Yakovlev Grigoriev Romanov Vorobiev Sergeev Frolov Belov
Medvedev Antonov Tarasov Zhukov Baranov Filippov Komarov Davydov Belyaev Gerasimov Bogdanov Osipov
Sidorov Matveev Titov Markov Mironov Krylov Kulikov Karpov Vlasov Melnikov Denisov Gavrilov Tikhonov
Kazakov Afanasiev Danilov Timofeev Fomin Chernov Abramov Martynov Efimov Fedotov Shcherbakov Nazarov
Kalinin Isaev Chernyshev Bykov Maslov Rodionov Konovalov Lazarev Voronin Klimov Filatov Ponomarev
Golubev Kudryavtsev Prokhorov Naumov Potapov Zhuravlev Trofimov Leonov Sobolev Ermakov Kolesnikov""".split()
CHINESE_FAMILY = """Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo Zheng
Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Yuan Pan Yu Jiang Cai Du Ye Cheng Wei Su
Ding Ren Shen Yao Lu Cui Zhong Tan Fan Qian Fu Jin Kong Bai""".split()
CHINESE_SYLLABLE = """wei fang min jing li qiang lei jun yong yan jie tao ming chao xiu hua ping gang hui
hong bin xin yu bo jian hao lin ying yun qing zhi peng kai long dan lan mei na ning rui shan ting xia
xuan yi zhen zi hai dong guang jin kang cheng feng liang ling jia hao xue""".split()
KOREAN_FAMILY = """Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Yoo
Hong Jeon Ko Moon Yang Son Bae Baek Heo Nam Noh""".split()
KOREAN_SYLLABLE = """min jun seo ji hyun woo young soo jin hye eun sung hoon dong yeon ha joon kyung jae sang
tae hee won na ra yoon chan bin ho mi""".split()
JAPANESE_FAMILY = """Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida
Yamada Sasaki Yamaguchi Matsumoto Inoue Kimura Hayashi Shimizu Yamazaki Mori Abe Ikeda Hashimoto
Ishikawa Ogawa Fujita Okada Goto Hasegawa""".split()
JAPANESE_GIVEN = """Hiroshi Takashi Kenji Yuki Haruto Sota Yuto Ren Daiki Kazuki Akira Satoshi Shota Takuya
Naoki Yui Aoi Hina Sakura Yuna Mei Haruka Misaki Ayaka Nanami Emi Keiko Yoko Naoko Tomoko""".split()
VIETNAMESE_FAMILY = "Nguyen Tran Le Pham Hoang Huynh Phan Vu Vo Dang Bui Do Ho Ngo Duong Ly".split()
VIETNAMESE_MIDDLE = "Van Thi Duc Minh Quoc Thanh Ngoc Huu Xuan Gia".split()
VIETNAMESE_GIVEN = """Anh Binh Cuong Dung Hai Hung Khanh Lan Linh Long Mai Nam Phuong Quang Son Thao Trang
Tuan Viet Hieu Thu Ha Hoa Khoa Loc Tam Trung Vy""".split()
GERMAN_GIVEN = """Lukas Leon Maximilian Felix Paul Jonas Elias Noah Finn Jan Tim Tobias Stefan Andreas
Michael Thomas Jürgen Klaus Wolfgang Dieter Uwe Matthias Florian Sebastian Hans Karl Heinz Anna Lena Lea
Hannah Mia Laura Julia Katharina Sabine Petra Monika Ursula Claudia Susanne Birgit Anke Heike Jutta
Ingrid Gisela""".split()
GERMAN_FAMILY = """Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch
Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt
Werner Schmitz Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann König Walter Mayer Huber Kaiser
Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Schubert Vogel Friedrich Keller Günther Frank Berger
Winkler Roth Beck Lorenz Baumann Franke Albrecht Schuster Ludwig Böhm Winter Kraus Schumacher Krämer
Vogt Stein Jäger Sommer Seidel Heinrich Brandt Haas""".split()
FRENCH_GIVEN = """Jean Pierre Michel André Philippe Louis Nicolas François Henri Jacques Bernard Alain
Christophe Olivier Laurent Julien Antoine Mathieu Sébastien Thierry Marie Nathalie Isabelle Sylvie
Catherine Françoise Valérie Christine Sophie Céline Aurélie Camille Chloé Manon Juliette Amélie Élodie
Émilie Margaux Lucie Claire Anne Luc Yves""".split()
FRENCH_FAMILY = """Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent
Lefebvre Michel David Bertrand Roux Vincent Fournier Morel Girard Lefèvre Mercier Dupont Lambert Bonnet
Legrand Garnier Faure Rousseau Blanc Guérin Henry Roussel Perrin Morin Mathieu Clément Gauthier Dumont
Fontaine Chevalier Robin Masson Gérard Boyer Denis Lemaire Duval Joly Gautier Roche Noël Lucas Meunier
Marchand Dufour Blanchard Barbier Brun Dumas Brunet Leroux Colin Renard Arnaud Rolland Caron Aubert
Giraud Leclerc Vidal Bourgeois Renaud Lemoine Picard Gaillard Lacroix Fabre Dupuis Hubert Rivière
Guillaume Moulin Lecomte Ménard Fleury Deschamps Carpentier Benoit Maillard Aubry Vasseur Prévost""".split()
INDIAN_GIVEN = """Rahul Amit Vikram Arjun Rajesh Suresh Ramesh Anil Sunil Sanjay Vijay Ajay Deepak Manoj
Ashok Ravi Kiran Arun Naveen Pradeep Rohit Sachin Aditya Karan Nikhil Priya Anjali Pooja Neha Sunita
Kavita Anita Deepa Lakshmi Meena Asha Divya Shreya Aishwarya Sneha Ritu Swati Nisha Geeta Rekha""".split()
INDIAN_MIDDLE = "Kumar Prasad Lal Chandra Nath Singh Devi Rani Mohan Raj Kant Shankar".split()
INDIAN_FAMILY = """Sharma Verma Gupta Singh Kumar Patel Shah Mehta Joshi Desai Reddy Rao Naidu Iyer Nair
Menon Pillai Das Bose Banerjee Chatterjee Mukherjee Ghosh Sen Dutta Chopra Kapoor Malhotra Khanna Bhatia
Agarwal Jain Bansal Mittal Saxena Srivastava Tiwari Pandey Mishra Dubey Yadav Chauhan Thakur Rathore
Naik Kulkarni Deshpande Patil Jadhav Gill Sandhu Dhillon Bhat Hegde Shetty Krishnan Subramanian""".split()
TURKISH_GIVEN = """Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim Murat Emre Burak Serkan Volkan Oğuz Kerem
Ayşe Fatma Emine Hatice Zeynep Elif Merve Esra Büşra Özlem""".split()
TURKISH_FAMILY = """Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç
Aslan Çetin Kara Koç Kurt Özkan Şimşek Polat Korkmaz Erdoğan Güneş Aktaş""".split()
AFRICAN_GIVEN = """Adebayo Chukwuemeka Oluwaseun Ngozi Chinedu Folake Babajide Amaka Kwame Kofi Ama Akosua
Yaw Abena Wanjiru Njeri Kamau Otieno Achieng Baraka Zawadi Tendai Thabo Sipho Nomvula""".split()
AFRICAN_FAMILY = """Okafor Adeyemi Okonkwo Balogun Eze Nwosu Ogunleye Abubakar Bello Mensah Owusu Asante
Boateng Mwangi Kamau Otieno Njoroge Ochieng Kariuki Moyo Ndlovu Dlamini Nkosi Mokoena Banda""".split()

FIRM_WORDS = """Blue River Summit Golden Harbor Nordic Pacific Green Valley Star Oak Pine Delta Atlas
Beacon Cedar Crown Eagle Falcon Granite Horizon Iron Jade Keystone Lakeside Maple Northern Orion Pioneer
Quartz Redwood Silver Titan Union Vista Willow Zenith Alpine Coastal Apex Bright Cobalt Crystal Dynamic
Emerald Evergreen First Fortune Frontier Heritage Highland Infinity Liberty Lotus Meridian Metro Midland
Nova Oasis Omega Orient Panorama Phoenix Premier Prime Quantum Sapphire Sierra Solar Spectrum Sterling
Sunrise Trident Unity Victory Western Hengtai Huaxin Jinlong Tianyuan Xinda Hanil Samil Daesung
Baraka Amal Noor Sinar Jaya Makmur Anadolu Marmara Volga Ural Baltic Andes""".split()
FIRM_KINDS = """Trading Logistics Consulting Textiles Foods Motors Shipping Software Farms Dental Builders
Apparel Imports Pharmacy Printing Catering Plastics Electric Realty Holdings Industries Engineering
Construction Technologies Solutions Systems Services Partners Capital Investments Energy Mining Chemicals
Steel Electronics Ventures Media Design Hotels Tours Marine Aviation Agro Medical Packaging Furniture
Instruments Machinery Fisheries Garments Ceramics Paper Glass Timber Dairy Bakery Freight""".split()
PLACES = """Shenzhen Shanghai Ningbo Dubai Hamburg Rotterdam Lagos Mumbai Istanbul Almaty Tashkent Bogotá
Lima Manila Jakarta Busan Osaka Lyon Porto Gdansk Odessa Baku Tbilisi Karachi Dhaka Nairobi Accra
Casablanca Tunis Valencia Genoa Antwerp Leipzig Monterrey Santos Durban Chittagong Penang""".split()
LEGAL = """Ltd|Limited|PLC|LLC|Inc.|Corp.|Corporation|GmbH|AG|KG|GmbH & Co. KG|S.A.|S.L.|S.A. de C.V.|
SARL|SAS|S.p.A.|S.r.l.|B.V.|N.V.|Co., Ltd.|Co. Ltd|JSC|OJSC|LLP|Pty Ltd|Pvt. Ltd.|A/S|AB|Oy|Sp. z o.o.|
Kft.|s.r.o.|FZE|FZCO|W.L.L.|Ltd. Şti.|K.K.|Sdn. Bhd.|Pte. Ltd.|Company""".replace("\n", "").split("|")


def typo_sources(datas: Sequence[ListData]) -> list[str]:
    """The strong names of the lists with at least two words, in the lists' order (a typo in a name of
    one word is often another word)."""
    return [
        name.value
        for data in datas
        for entity in data.entities
        for name in entity.all_names()
        if name.type == NameType.STRONG and len(name.value.split()) >= 2
    ]


def typo(rng: random.Random, name: str) -> str:
    """A typo'd variant of a listed name: two letters swapped, a letter dropped or doubled (inside a word
    of four letters or more), or the words reordered ("SMITH, John A." becomes "John A. SMITH")."""
    op = rng.choice(["swap", "drop", "double", "reorder"])
    if op == "reorder":
        words = name.replace(",", " ").split()
        cut = rng.randrange(1, len(words))
        return " ".join(words[cut:] + words[:cut])
    spots = [
        i
        for word_start, word in _words(name)
        if len(word) >= 4
        for i in range(word_start, word_start + len(word) - 1)
        if name[i].isalpha() and name[i + 1].isalpha() and (op != "swap" or name[i] != name[i + 1])
    ]
    if not spots:
        return typo(rng, name) if len(name.split()) > 1 else name
    i = rng.choice(spots)
    if op == "swap":
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if op == "drop":
        return name[:i] + name[i + 1 :]
    return name[: i + 1] + name[i] + name[i + 1 :]


def _words(name: str) -> list[tuple[int, str]]:
    out, start = [], 0
    for word in name.split(" "):
        out.append((start, word))
        start += len(word) + 1
    return out


def anglo(r: random.Random) -> str:
    middle = r.choice([f" {r.choice(ANGLO_GIVEN)}", f" {r.choice('ABCDEFGHJKLMNPRSTW')}.", "", ""])
    family = r.choice(ANGLO_FAMILY)
    if r.random() < 0.05:
        family += f"-{r.choice(ANGLO_FAMILY)}"
    suffix = r.choice([" Jr.", " III", " Sr."]) if r.random() < 0.03 else ""
    return f"{r.choice(ANGLO_GIVEN)}{middle} {family}{suffix}"


def hispanic(r: random.Random) -> str:
    given = r.choice(HISPANIC_GIVEN) + (f" {r.choice(HISPANIC_GIVEN)}" if r.random() < 0.3 else "")
    link = " de " if r.random() < 0.05 else " "
    return f"{given} {r.choice(HISPANIC_FAMILY)}{link}{r.choice(HISPANIC_FAMILY)}"


def arabic(r: random.Random) -> str:
    female = r.random() < 0.2
    given = r.choice(ARABIC_FEMALE if female else ARABIC_MALE)
    if r.random() < 0.08:
        given = f"Abu {r.choice(ARABIC_MALE)}"
    family = r.choice(ARABIC_ARTICLE) + r.choice(ARABIC_FAMILY)
    if r.random() < 0.3:  # no particles: given, father, family
        return f"{given} {r.choice(ARABIC_MALE)} {family}"
    link = r.choice(["bint"] if female else ["bin", "bin", "ibn"])
    grandfather = f" bin {r.choice(ARABIC_MALE)}" if r.random() < 0.4 else ""
    return f"{given} {link} {r.choice(ARABIC_MALE)}{grandfather} {family}"


def russian(r: random.Random) -> str:
    female = r.random() < 0.4
    given = r.choice(RUSSIAN_FEMALE if female else RUSSIAN_MALE)
    patronymic = r.choice(RUSSIAN_FATHER) + ("na" if female else "ich")
    family = r.choice(RUSSIAN_FAMILY) + ("a" if female else "")
    form = r.random()
    if form < 0.6:
        return f"{given} {patronymic} {family}"
    if form < 0.8:
        return f"{family} {given} {patronymic}"
    return f"{family}, {given} {patronymic}"


def chinese(r: random.Random) -> str:
    first, second = r.choice(CHINESE_SYLLABLE), r.choice(CHINESE_SYLLABLE)
    given = r.choice([first.title(), (first + second).title(), f"{first.title()}-{second}"])
    family = r.choice(CHINESE_FAMILY)
    return f"{family} {given}" if r.random() < 0.7 else f"{given} {family}"


def korean(r: random.Random) -> str:
    first, second = r.choice(KOREAN_SYLLABLE), r.choice(KOREAN_SYLLABLE)
    given = r.choice(
        [f"{first.title()}-{second}", (first + second).title(), f"{first.title()} {second.title()}"]
    )
    family = r.choice(KOREAN_FAMILY)
    return f"{family} {given}" if r.random() < 0.6 else f"{given} {family}"


def japanese(r: random.Random) -> str:
    given, family = r.choice(JAPANESE_GIVEN), r.choice(JAPANESE_FAMILY)
    return f"{given} {family}" if r.random() < 0.6 else f"{family} {given}"


def vietnamese(r: random.Random) -> str:
    middle = r.choice(VIETNAMESE_MIDDLE) + (f" {r.choice(VIETNAMESE_GIVEN)}" if r.random() < 0.3 else "")
    return f"{r.choice(VIETNAMESE_FAMILY)} {middle} {r.choice(VIETNAMESE_GIVEN)}"


def german(r: random.Random) -> str:
    given = r.choice(GERMAN_GIVEN)
    if r.random() < 0.3:
        given += r.choice([" ", "-"]) + r.choice(GERMAN_GIVEN)
    title = "Dr. " if r.random() < 0.04 else ""
    particle = "von " if r.random() < 0.04 else ""
    return f"{title}{given} {particle}{r.choice(GERMAN_FAMILY)}"


def french(r: random.Random) -> str:
    given = r.choice(FRENCH_GIVEN)
    if r.random() < 0.3:
        given += f"-{r.choice(FRENCH_GIVEN)}"
    particle = r.choice(["de ", "Le ", "du "]) if r.random() < 0.06 else ""
    return f"{given} {particle}{r.choice(FRENCH_FAMILY)}"


def indian(r: random.Random) -> str:
    middle = f" {r.choice(INDIAN_MIDDLE)}" if r.random() < 0.4 else ""
    return f"{r.choice(INDIAN_GIVEN)}{middle} {r.choice(INDIAN_FAMILY)}"


def turkish(r: random.Random) -> str:
    second = f" {r.choice(TURKISH_GIVEN)}" if r.random() < 0.2 else ""
    return f"{r.choice(TURKISH_GIVEN)}{second} {r.choice(TURKISH_FAMILY)}"


def african(r: random.Random) -> str:
    middle = f" {r.choice(AFRICAN_GIVEN)}" if r.random() < 0.3 else ""
    return f"{r.choice(AFRICAN_GIVEN)}{middle} {r.choice(AFRICAN_FAMILY)}"


CULTURES: list[Callable[[random.Random], str]] = [
    anglo, hispanic, arabic, russian, chinese, korean, japanese, vietnamese, german, french, indian,
    turkish, african,
]  # fmt: skip


def company(r: random.Random) -> str:
    words = r.choice(FIRM_WORDS) + (f" {r.choice(FIRM_WORDS)}" if r.random() < 0.4 else "")
    kind, legal = r.choice(FIRM_KINDS), r.choice(LEGAL)
    form = r.random()
    if form < 0.45:
        return f"{words} {kind} {legal}"
    if form < 0.55:
        family = r.choice(ANGLO_FAMILY + GERMAN_FAMILY + FRENCH_FAMILY + HISPANIC_FAMILY)
        return f"{family} & {r.choice(ANGLO_FAMILY + GERMAN_FAMILY)} {r.choice([kind, 'Partners'])} {legal}"
    if form < 0.7:
        return f"{r.choice(PLACES)} {words} {kind} {legal}"
    if form < 0.85:  # with a number
        number = r.choice([str(r.randint(1, 99)), str(r.randint(1990, 2025)), f"No. {r.randint(1, 30)}"])
        return r.choice(
            [
                f"{words} {number} {kind} {legal}",
                f"{words} {kind} {number} {legal}",
                f"{words}-{number} {legal}",
            ]
        )
    if form < 0.92:  # a legal form in front
        name = f"{words} {kind}"
        return r.choice([f"PT {name}", f'OOO "{name}"', f"AO {name}", f"Grupo {name} S.A."])
    return f"{r.choice(ANGLO_FAMILY + GERMAN_FAMILY + INDIAN_FAMILY)} {kind} {legal}"


def innocent(r: random.Random) -> str:
    name = r.choice(CULTURES)(r) if r.random() < PERSON_SHARE else company(r)
    return name.upper() if r.random() < UPPER_SHARE else name


def parties(rows: int, *, seed: int, listed: Sequence[str]) -> tuple[list[tuple[str, str]], set[str]]:
    """`rows` parties as (id, name), and the ids of those that are a typo'd variant of a `listed` name."""
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    typos: set[str] = set()
    for i in range(rows):
        is_typo = bool(listed) and rng.random() < TYPO_SHARE
        for _ in range(RETRIES):
            name = typo(rng, rng.choice(listed)) if is_typo else innocent(rng)
            if name not in seen:
                break
        seen.add(name)
        out.append((f"r{i + 1}", name))
        if is_typo:
            typos.add(f"r{i + 1}")
    return out, typos


def write_csv(path: Path, rows: Sequence[tuple[str, str]]) -> None:
    """The batch's input: a header `id,name`, then the rows (quoted where CSV needs it)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "name"])
        writer.writerows(rows)
