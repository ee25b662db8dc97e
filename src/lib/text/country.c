/* Country names and ISO 3166-1 codes.
 *
 * DESIGN: two static tables. k_countries holds one row per code (alpha-2,
 * alpha-3, ISO English short name), sorted by alpha-2, taken from the ISO
 * 3166-1 list as shipped in Debian's iso-codes, plus Kosovo (XK, the code
 * the EU, OFAC and others use) and four withdrawn codes still met in
 * sanctions data (AN, CS, SU, YU; ISO 3166-3). k_aliases holds the other
 * names that lists use: ISO official names, the OFAC/BIS/UN/CSL spellings,
 * historical and everyday names.
 *
 * Names are compared by a "squashed" key: ASCII letters and digits only,
 * lower case, Latin-1 accents removed, the word "the" dropped, "st" read as
 * "saint" and "&" as "and". So "Korea (North)" and "Korea, North",
 * "Cote d Ivoire" and "Côte d'Ivoire", "Bahamas, The" and "The Bahamas" are
 * the same key. The squashed keys of all names are built once (pthread_once)
 * into a sorted static array and searched by bisection; nothing changes
 * after that, so lookups are thread-safe without a lock.
 *
 * Ambiguous names resolve to NULL rather than to a guess: "Korea" alone
 * (North or South matters for sanctions), "undetermined", "Region: Kafia
 * Kingi". "Region: X" prefixes (OFAC) are stripped and X looked up, so
 * "Region: Crimea" gives UA and "Region: Gaza" gives PS.
 */
#include "country.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct country_row {
  const char *a2;
  const char *a3;
  const char *name;
} country_row;

typedef struct alias_row {
  const char *name;
  const char *a2;
} alias_row;

/* ISO 3166-1, sorted by alpha-2 (a unit test checks the order). */
static const country_row k_countries[] = {
    {"AD", "AND", "Andorra"},
    {"AE", "ARE", "United Arab Emirates"},
    {"AF", "AFG", "Afghanistan"},
    {"AG", "ATG", "Antigua and Barbuda"},
    {"AI", "AIA", "Anguilla"},
    {"AL", "ALB", "Albania"},
    {"AM", "ARM", "Armenia"},
    {"AN", "ANT", "Netherlands Antilles"},
    {"AO", "AGO", "Angola"},
    {"AQ", "ATA", "Antarctica"},
    {"AR", "ARG", "Argentina"},
    {"AS", "ASM", "American Samoa"},
    {"AT", "AUT", "Austria"},
    {"AU", "AUS", "Australia"},
    {"AW", "ABW", "Aruba"},
    {"AX", "ALA", "Åland Islands"},
    {"AZ", "AZE", "Azerbaijan"},
    {"BA", "BIH", "Bosnia and Herzegovina"},
    {"BB", "BRB", "Barbados"},
    {"BD", "BGD", "Bangladesh"},
    {"BE", "BEL", "Belgium"},
    {"BF", "BFA", "Burkina Faso"},
    {"BG", "BGR", "Bulgaria"},
    {"BH", "BHR", "Bahrain"},
    {"BI", "BDI", "Burundi"},
    {"BJ", "BEN", "Benin"},
    {"BL", "BLM", "Saint Barthélemy"},
    {"BM", "BMU", "Bermuda"},
    {"BN", "BRN", "Brunei Darussalam"},
    {"BO", "BOL", "Bolivia, Plurinational State of"},
    {"BQ", "BES", "Bonaire, Sint Eustatius and Saba"},
    {"BR", "BRA", "Brazil"},
    {"BS", "BHS", "Bahamas"},
    {"BT", "BTN", "Bhutan"},
    {"BV", "BVT", "Bouvet Island"},
    {"BW", "BWA", "Botswana"},
    {"BY", "BLR", "Belarus"},
    {"BZ", "BLZ", "Belize"},
    {"CA", "CAN", "Canada"},
    {"CC", "CCK", "Cocos (Keeling) Islands"},
    {"CD", "COD", "Congo, The Democratic Republic of the"},
    {"CF", "CAF", "Central African Republic"},
    {"CG", "COG", "Congo"},
    {"CH", "CHE", "Switzerland"},
    {"CI", "CIV", "Côte d'Ivoire"},
    {"CK", "COK", "Cook Islands"},
    {"CL", "CHL", "Chile"},
    {"CM", "CMR", "Cameroon"},
    {"CN", "CHN", "China"},
    {"CO", "COL", "Colombia"},
    {"CR", "CRI", "Costa Rica"},
    {"CS", "SCG", "Serbia and Montenegro"},
    {"CU", "CUB", "Cuba"},
    {"CV", "CPV", "Cabo Verde"},
    {"CW", "CUW", "Curaçao"},
    {"CX", "CXR", "Christmas Island"},
    {"CY", "CYP", "Cyprus"},
    {"CZ", "CZE", "Czechia"},
    {"DE", "DEU", "Germany"},
    {"DJ", "DJI", "Djibouti"},
    {"DK", "DNK", "Denmark"},
    {"DM", "DMA", "Dominica"},
    {"DO", "DOM", "Dominican Republic"},
    {"DZ", "DZA", "Algeria"},
    {"EC", "ECU", "Ecuador"},
    {"EE", "EST", "Estonia"},
    {"EG", "EGY", "Egypt"},
    {"EH", "ESH", "Western Sahara"},
    {"ER", "ERI", "Eritrea"},
    {"ES", "ESP", "Spain"},
    {"ET", "ETH", "Ethiopia"},
    {"FI", "FIN", "Finland"},
    {"FJ", "FJI", "Fiji"},
    {"FK", "FLK", "Falkland Islands (Malvinas)"},
    {"FM", "FSM", "Micronesia, Federated States of"},
    {"FO", "FRO", "Faroe Islands"},
    {"FR", "FRA", "France"},
    {"GA", "GAB", "Gabon"},
    {"GB", "GBR", "United Kingdom"},
    {"GD", "GRD", "Grenada"},
    {"GE", "GEO", "Georgia"},
    {"GF", "GUF", "French Guiana"},
    {"GG", "GGY", "Guernsey"},
    {"GH", "GHA", "Ghana"},
    {"GI", "GIB", "Gibraltar"},
    {"GL", "GRL", "Greenland"},
    {"GM", "GMB", "Gambia"},
    {"GN", "GIN", "Guinea"},
    {"GP", "GLP", "Guadeloupe"},
    {"GQ", "GNQ", "Equatorial Guinea"},
    {"GR", "GRC", "Greece"},
    {"GS", "SGS", "South Georgia and the South Sandwich Islands"},
    {"GT", "GTM", "Guatemala"},
    {"GU", "GUM", "Guam"},
    {"GW", "GNB", "Guinea-Bissau"},
    {"GY", "GUY", "Guyana"},
    {"HK", "HKG", "Hong Kong"},
    {"HM", "HMD", "Heard Island and McDonald Islands"},
    {"HN", "HND", "Honduras"},
    {"HR", "HRV", "Croatia"},
    {"HT", "HTI", "Haiti"},
    {"HU", "HUN", "Hungary"},
    {"ID", "IDN", "Indonesia"},
    {"IE", "IRL", "Ireland"},
    {"IL", "ISR", "Israel"},
    {"IM", "IMN", "Isle of Man"},
    {"IN", "IND", "India"},
    {"IO", "IOT", "British Indian Ocean Territory"},
    {"IQ", "IRQ", "Iraq"},
    {"IR", "IRN", "Iran, Islamic Republic of"},
    {"IS", "ISL", "Iceland"},
    {"IT", "ITA", "Italy"},
    {"JE", "JEY", "Jersey"},
    {"JM", "JAM", "Jamaica"},
    {"JO", "JOR", "Jordan"},
    {"JP", "JPN", "Japan"},
    {"KE", "KEN", "Kenya"},
    {"KG", "KGZ", "Kyrgyzstan"},
    {"KH", "KHM", "Cambodia"},
    {"KI", "KIR", "Kiribati"},
    {"KM", "COM", "Comoros"},
    {"KN", "KNA", "Saint Kitts and Nevis"},
    {"KP", "PRK", "Korea, Democratic People's Republic of"},
    {"KR", "KOR", "Korea, Republic of"},
    {"KW", "KWT", "Kuwait"},
    {"KY", "CYM", "Cayman Islands"},
    {"KZ", "KAZ", "Kazakhstan"},
    {"LA", "LAO", "Lao People's Democratic Republic"},
    {"LB", "LBN", "Lebanon"},
    {"LC", "LCA", "Saint Lucia"},
    {"LI", "LIE", "Liechtenstein"},
    {"LK", "LKA", "Sri Lanka"},
    {"LR", "LBR", "Liberia"},
    {"LS", "LSO", "Lesotho"},
    {"LT", "LTU", "Lithuania"},
    {"LU", "LUX", "Luxembourg"},
    {"LV", "LVA", "Latvia"},
    {"LY", "LBY", "Libya"},
    {"MA", "MAR", "Morocco"},
    {"MC", "MCO", "Monaco"},
    {"MD", "MDA", "Moldova, Republic of"},
    {"ME", "MNE", "Montenegro"},
    {"MF", "MAF", "Saint Martin (French part)"},
    {"MG", "MDG", "Madagascar"},
    {"MH", "MHL", "Marshall Islands"},
    {"MK", "MKD", "North Macedonia"},
    {"ML", "MLI", "Mali"},
    {"MM", "MMR", "Myanmar"},
    {"MN", "MNG", "Mongolia"},
    {"MO", "MAC", "Macao"},
    {"MP", "MNP", "Northern Mariana Islands"},
    {"MQ", "MTQ", "Martinique"},
    {"MR", "MRT", "Mauritania"},
    {"MS", "MSR", "Montserrat"},
    {"MT", "MLT", "Malta"},
    {"MU", "MUS", "Mauritius"},
    {"MV", "MDV", "Maldives"},
    {"MW", "MWI", "Malawi"},
    {"MX", "MEX", "Mexico"},
    {"MY", "MYS", "Malaysia"},
    {"MZ", "MOZ", "Mozambique"},
    {"NA", "NAM", "Namibia"},
    {"NC", "NCL", "New Caledonia"},
    {"NE", "NER", "Niger"},
    {"NF", "NFK", "Norfolk Island"},
    {"NG", "NGA", "Nigeria"},
    {"NI", "NIC", "Nicaragua"},
    {"NL", "NLD", "Netherlands"},
    {"NO", "NOR", "Norway"},
    {"NP", "NPL", "Nepal"},
    {"NR", "NRU", "Nauru"},
    {"NU", "NIU", "Niue"},
    {"NZ", "NZL", "New Zealand"},
    {"OM", "OMN", "Oman"},
    {"PA", "PAN", "Panama"},
    {"PE", "PER", "Peru"},
    {"PF", "PYF", "French Polynesia"},
    {"PG", "PNG", "Papua New Guinea"},
    {"PH", "PHL", "Philippines"},
    {"PK", "PAK", "Pakistan"},
    {"PL", "POL", "Poland"},
    {"PM", "SPM", "Saint Pierre and Miquelon"},
    {"PN", "PCN", "Pitcairn"},
    {"PR", "PRI", "Puerto Rico"},
    {"PS", "PSE", "Palestine, State of"},
    {"PT", "PRT", "Portugal"},
    {"PW", "PLW", "Palau"},
    {"PY", "PRY", "Paraguay"},
    {"QA", "QAT", "Qatar"},
    {"RE", "REU", "Réunion"},
    {"RO", "ROU", "Romania"},
    {"RS", "SRB", "Serbia"},
    {"RU", "RUS", "Russian Federation"},
    {"RW", "RWA", "Rwanda"},
    {"SA", "SAU", "Saudi Arabia"},
    {"SB", "SLB", "Solomon Islands"},
    {"SC", "SYC", "Seychelles"},
    {"SD", "SDN", "Sudan"},
    {"SE", "SWE", "Sweden"},
    {"SG", "SGP", "Singapore"},
    {"SH", "SHN", "Saint Helena, Ascension and Tristan da Cunha"},
    {"SI", "SVN", "Slovenia"},
    {"SJ", "SJM", "Svalbard and Jan Mayen"},
    {"SK", "SVK", "Slovakia"},
    {"SL", "SLE", "Sierra Leone"},
    {"SM", "SMR", "San Marino"},
    {"SN", "SEN", "Senegal"},
    {"SO", "SOM", "Somalia"},
    {"SR", "SUR", "Suriname"},
    {"SS", "SSD", "South Sudan"},
    {"ST", "STP", "Sao Tome and Principe"},
    {"SU", "SUN", "USSR"},
    {"SV", "SLV", "El Salvador"},
    {"SX", "SXM", "Sint Maarten (Dutch part)"},
    {"SY", "SYR", "Syrian Arab Republic"},
    {"SZ", "SWZ", "Eswatini"},
    {"TC", "TCA", "Turks and Caicos Islands"},
    {"TD", "TCD", "Chad"},
    {"TF", "ATF", "French Southern Territories"},
    {"TG", "TGO", "Togo"},
    {"TH", "THA", "Thailand"},
    {"TJ", "TJK", "Tajikistan"},
    {"TK", "TKL", "Tokelau"},
    {"TL", "TLS", "Timor-Leste"},
    {"TM", "TKM", "Turkmenistan"},
    {"TN", "TUN", "Tunisia"},
    {"TO", "TON", "Tonga"},
    {"TR", "TUR", "Türkiye"},
    {"TT", "TTO", "Trinidad and Tobago"},
    {"TV", "TUV", "Tuvalu"},
    {"TW", "TWN", "Taiwan, Province of China"},
    {"TZ", "TZA", "Tanzania, United Republic of"},
    {"UA", "UKR", "Ukraine"},
    {"UG", "UGA", "Uganda"},
    {"UM", "UMI", "United States Minor Outlying Islands"},
    {"US", "USA", "United States"},
    {"UY", "URY", "Uruguay"},
    {"UZ", "UZB", "Uzbekistan"},
    {"VA", "VAT", "Holy See (Vatican City State)"},
    {"VC", "VCT", "Saint Vincent and the Grenadines"},
    {"VE", "VEN", "Venezuela, Bolivarian Republic of"},
    {"VG", "VGB", "Virgin Islands, British"},
    {"VI", "VIR", "Virgin Islands, U.S."},
    {"VN", "VNM", "Viet Nam"},
    {"VU", "VUT", "Vanuatu"},
    {"WF", "WLF", "Wallis and Futuna"},
    {"WS", "WSM", "Samoa"},
    {"XK", "XKX", "Kosovo"},
    {"YE", "YEM", "Yemen"},
    {"YT", "MYT", "Mayotte"},
    {"YU", "YUG", "Yugoslavia"},
    {"ZA", "ZAF", "South Africa"},
    {"ZM", "ZMB", "Zambia"},
    {"ZW", "ZWE", "Zimbabwe"},
};

/* Other names for the same codes, in any order (sorted at first use). */
static const alias_row k_aliases[] = {
    /* ISO official and common names. */
    {"Islamic Republic of Afghanistan", "AF"},
    {"Republic of Angola", "AO"},
    {"Republic of Albania", "AL"},
    {"Principality of Andorra", "AD"},
    {"Argentine Republic", "AR"},
    {"Republic of Armenia", "AM"},
    {"Republic of Austria", "AT"},
    {"Republic of Azerbaijan", "AZ"},
    {"Republic of Burundi", "BI"},
    {"Kingdom of Belgium", "BE"},
    {"Republic of Benin", "BJ"},
    {"People's Republic of Bangladesh", "BD"},
    {"Republic of Bulgaria", "BG"},
    {"Kingdom of Bahrain", "BH"},
    {"Commonwealth of the Bahamas", "BS"},
    {"Republic of Bosnia and Herzegovina", "BA"},
    {"Republic of Belarus", "BY"},
    {"Bolivia", "BO"},
    {"Plurinational State of Bolivia", "BO"},
    {"Federative Republic of Brazil", "BR"},
    {"Kingdom of Bhutan", "BT"},
    {"Republic of Botswana", "BW"},
    {"Swiss Confederation", "CH"},
    {"Republic of Chile", "CL"},
    {"People's Republic of China", "CN"},
    {"Republic of Côte d'Ivoire", "CI"},
    {"Republic of Cameroon", "CM"},
    {"Republic of the Congo", "CG"},
    {"Republic of Colombia", "CO"},
    {"Union of the Comoros", "KM"},
    {"Republic of Cabo Verde", "CV"},
    {"Republic of Costa Rica", "CR"},
    {"Republic of Cuba", "CU"},
    {"Republic of Cyprus", "CY"},
    {"Czech Republic", "CZ"},
    {"Federal Republic of Germany", "DE"},
    {"Republic of Djibouti", "DJ"},
    {"Commonwealth of Dominica", "DM"},
    {"Kingdom of Denmark", "DK"},
    {"People's Democratic Republic of Algeria", "DZ"},
    {"Republic of Ecuador", "EC"},
    {"Arab Republic of Egypt", "EG"},
    {"the State of Eritrea", "ER"},
    {"Kingdom of Spain", "ES"},
    {"Republic of Estonia", "EE"},
    {"Federal Democratic Republic of Ethiopia", "ET"},
    {"Republic of Finland", "FI"},
    {"Republic of Fiji", "FJ"},
    {"French Republic", "FR"},
    {"Federated States of Micronesia", "FM"},
    {"Gabonese Republic", "GA"},
    {"United Kingdom of Great Britain and Northern Ireland", "GB"},
    {"Republic of Ghana", "GH"},
    {"Republic of Guinea", "GN"},
    {"Republic of the Gambia", "GM"},
    {"Republic of Guinea-Bissau", "GW"},
    {"Republic of Equatorial Guinea", "GQ"},
    {"Hellenic Republic", "GR"},
    {"Republic of Guatemala", "GT"},
    {"Republic of Guyana", "GY"},
    {"Hong Kong Special Administrative Region of China", "HK"},
    {"Republic of Honduras", "HN"},
    {"Republic of Croatia", "HR"},
    {"Republic of Haiti", "HT"},
    {"Republic of Indonesia", "ID"},
    {"Republic of India", "IN"},
    {"Iran", "IR"},
    {"Islamic Republic of Iran", "IR"},
    {"Republic of Iraq", "IQ"},
    {"Republic of Iceland", "IS"},
    {"State of Israel", "IL"},
    {"Italian Republic", "IT"},
    {"Hashemite Kingdom of Jordan", "JO"},
    {"Republic of Kazakhstan", "KZ"},
    {"Republic of Kenya", "KE"},
    {"Kyrgyz Republic", "KG"},
    {"Kingdom of Cambodia", "KH"},
    {"Republic of Kiribati", "KI"},
    {"South Korea", "KR"},
    {"State of Kuwait", "KW"},
    {"Laos", "LA"},
    {"Lebanese Republic", "LB"},
    {"Republic of Liberia", "LR"},
    {"Principality of Liechtenstein", "LI"},
    {"Democratic Socialist Republic of Sri Lanka", "LK"},
    {"Kingdom of Lesotho", "LS"},
    {"Republic of Lithuania", "LT"},
    {"Grand Duchy of Luxembourg", "LU"},
    {"Republic of Latvia", "LV"},
    {"Macao Special Administrative Region of China", "MO"},
    {"Kingdom of Morocco", "MA"},
    {"Principality of Monaco", "MC"},
    {"Moldova", "MD"},
    {"Republic of Moldova", "MD"},
    {"Republic of Madagascar", "MG"},
    {"Republic of Maldives", "MV"},
    {"United Mexican States", "MX"},
    {"Republic of the Marshall Islands", "MH"},
    {"Republic of North Macedonia", "MK"},
    {"Republic of Mali", "ML"},
    {"Republic of Malta", "MT"},
    {"Republic of Myanmar", "MM"},
    {"Commonwealth of the Northern Mariana Islands", "MP"},
    {"Republic of Mozambique", "MZ"},
    {"Islamic Republic of Mauritania", "MR"},
    {"Republic of Mauritius", "MU"},
    {"Republic of Malawi", "MW"},
    {"Republic of Namibia", "NA"},
    {"Republic of the Niger", "NE"},
    {"Federal Republic of Nigeria", "NG"},
    {"Republic of Nicaragua", "NI"},
    {"Kingdom of the Netherlands", "NL"},
    {"Kingdom of Norway", "NO"},
    {"Federal Democratic Republic of Nepal", "NP"},
    {"Republic of Nauru", "NR"},
    {"Sultanate of Oman", "OM"},
    {"Islamic Republic of Pakistan", "PK"},
    {"Republic of Panama", "PA"},
    {"Republic of Peru", "PE"},
    {"Republic of the Philippines", "PH"},
    {"Republic of Palau", "PW"},
    {"Independent State of Papua New Guinea", "PG"},
    {"Republic of Poland", "PL"},
    {"North Korea", "KP"},
    {"Democratic People's Republic of Korea", "KP"},
    {"Portuguese Republic", "PT"},
    {"Republic of Paraguay", "PY"},
    {"the State of Palestine", "PS"},
    {"State of Qatar", "QA"},
    {"Rwandese Republic", "RW"},
    {"Kingdom of Saudi Arabia", "SA"},
    {"Republic of the Sudan", "SD"},
    {"Republic of Senegal", "SN"},
    {"Republic of Singapore", "SG"},
    {"Republic of Sierra Leone", "SL"},
    {"Republic of El Salvador", "SV"},
    {"Republic of San Marino", "SM"},
    {"Federal Republic of Somalia", "SO"},
    {"Republic of Serbia", "RS"},
    {"Republic of South Sudan", "SS"},
    {"Democratic Republic of Sao Tome and Principe", "ST"},
    {"Republic of Suriname", "SR"},
    {"Slovak Republic", "SK"},
    {"Republic of Slovenia", "SI"},
    {"Kingdom of Sweden", "SE"},
    {"Kingdom of Eswatini", "SZ"},
    {"Republic of Seychelles", "SC"},
    {"Syria", "SY"},
    {"Republic of Chad", "TD"},
    {"Togolese Republic", "TG"},
    {"Kingdom of Thailand", "TH"},
    {"Republic of Tajikistan", "TJ"},
    {"Democratic Republic of Timor-Leste", "TL"},
    {"Kingdom of Tonga", "TO"},
    {"Republic of Trinidad and Tobago", "TT"},
    {"Republic of Tunisia", "TN"},
    {"Republic of Türkiye", "TR"},
    {"Taiwan", "TW"},
    {"Tanzania", "TZ"},
    {"United Republic of Tanzania", "TZ"},
    {"Republic of Uganda", "UG"},
    {"Eastern Republic of Uruguay", "UY"},
    {"United States of America", "US"},
    {"Republic of Uzbekistan", "UZ"},
    {"Venezuela", "VE"},
    {"Bolivarian Republic of Venezuela", "VE"},
    {"British Virgin Islands", "VG"},
    {"Virgin Islands of the United States", "VI"},
    {"Vietnam", "VN"},
    {"Socialist Republic of Viet Nam", "VN"},
    {"Republic of Vanuatu", "VU"},
    {"Independent State of Samoa", "WS"},
    {"Republic of Yemen", "YE"},
    {"Republic of South Africa", "ZA"},
    {"Republic of Zambia", "ZM"},
    {"Republic of Zimbabwe", "ZW"},
    /* Everyday, historical and list-specific names. */
    {"Afghan", "AF"},
    {"Antigua", "AG"},
    {"Bahamas, The", "BS"},
    {"Bolivia (Plurinational State of)", "BO"},
    {"Bonaire", "BQ"},
    {"Bosnia", "BA"},
    {"Bosnia-Herzegovina", "BA"},
    {"Brunei", "BN"},
    {"Burma", "MM"},
    {"Myanmar (Burma)", "MM"},
    {"Cape Verde", "CV"},
    {"Ivory Coast", "CI"},
    {"Cote d Ivoire", "CI"},
    {"Congo, Republic of the", "CG"},
    {"Congo (Brazzaville)", "CG"},
    {"Congo-Brazzaville", "CG"},
    {"Congo, Democratic Republic of the", "CD"},
    {"Democratic Republic of the Congo", "CD"},
    {"Congo (Kinshasa)", "CD"},
    {"Congo-Kinshasa", "CD"},
    {"DR Congo", "CD"},
    {"DRC", "CD"},
    {"Zaire", "CD"},
    {"Curacao", "CW"},
    {"Czechia (Czech Republic)", "CZ"},
    {"Falkland Islands", "FK"},
    {"Malvinas", "FK"},
    {"Micronesia", "FM"},
    {"Micronesia (Federated States of)", "FM"},
    {"Gambia, The", "GM"},
    {"The Gambia", "GM"},
    {"Great Britain", "GB"},
    {"Britain", "GB"},
    {"UK", "GB"},
    {"U.K", "GB"},
    {"England", "GB"},
    {"Scotland", "GB"},
    {"Wales", "GB"},
    {"Northern Ireland", "GB"},
    {"United Kingdom of Great Britain and N. Ireland", "GB"},
    {"Hong Kong SAR", "HK"},
    {"Hong Kong, China", "HK"},
    {"Hong Kong SAR, China", "HK"},
    {"China, Hong Kong Special Administrative Region", "HK"},
    {"China, Hong Kong SAR", "HK"},
    {"Macau", "MO"},
    {"Macau SAR", "MO"},
    {"Macao SAR", "MO"},
    {"China, Macao Special Administrative Region", "MO"},
    {"Iran (Islamic Republic of)", "IR"},
    {"Persia", "IR"},
    {"Korea, North", "KP"},
    {"North Korea", "KP"},
    {"Korea (North)", "KP"},
    {"Korea, Democratic People's Republic", "KP"},
    {"Korea, DPR", "KP"},
    {"DPRK", "KP"},
    {"Korea, South", "KR"},
    {"South Korea", "KR"},
    {"Korea (South)", "KR"},
    {"Republic of Korea", "KR"},
    {"ROK", "KR"},
    {"Kosovo, Republic of", "XK"},
    {"Republic of Kosovo", "XK"},
    {"Laos", "LA"},
    {"Lao PDR", "LA"},
    {"Lao People's Democratic Republic", "LA"},
    {"Macedonia", "MK"},
    {"Macedonia, The Former Yugoslav Republic of", "MK"},
    {"The former Yugoslav Republic of Macedonia", "MK"},
    {"North Macedonia, Republic of", "MK"},
    {"Moldova, Republic of", "MD"},
    {"Holland", "NL"},
    {"The Netherlands", "NL"},
    {"Palestine", "PS"},
    {"Palestinian", "PS"},
    {"Palestinian Territories", "PS"},
    {"Palestinian Territory", "PS"},
    {"Palestinian Territory, Occupied", "PS"},
    {"Occupied Palestinian Territory", "PS"},
    {"State of Palestine", "PS"},
    {"West Bank", "PS"},
    {"Gaza", "PS"},
    {"Gaza Strip", "PS"},
    {"West Bank and Gaza", "PS"},
    {"Crimea", "UA"},
    {"Crimea (occupied)", "UA"},
    {"North Gaza", "PS"},
    {"Northern Gaza", "PS"},
    {"PRC", "CN"},
    {"P.R. China", "CN"},
    {"China (mainland)", "CN"},
    {"Mainland China", "CN"},
    {"Northern Mali", "ML"},
    {"Pitcairn Islands", "PN"},
    {"Reunion", "RE"},
    {"Russia", "RU"},
    {"Russian Federation (the)", "RU"},
    {"Saint Barthelemy", "BL"},
    {"Saint Helena", "SH"},
    {"Saint Kitts", "KN"},
    {"Saint Kitts-Nevis", "KN"},
    {"Saint Christopher and Nevis", "KN"},
    {"Saint Martin", "MF"},
    {"Saint Vincent", "VC"},
    {"Sao Tome", "ST"},
    {"Sint Maarten", "SX"},
    {"Slovak Republic", "SK"},
    {"Swaziland", "SZ"},
    {"Syrian Arab Republic", "SY"},
    {"Taiwan, Province of China", "TW"},
    {"Taiwan (Province of China)", "TW"},
    {"Republic of China", "TW"},
    {"Chinese Taipei", "TW"},
    {"Tanzania, United Republic of", "TZ"},
    {"East Timor", "TL"},
    {"Timor Leste", "TL"},
    {"Trinidad", "TT"},
    {"Turkey", "TR"},
    {"Turkiye", "TR"},
    {"Turks and Caicos", "TC"},
    {"United Arab Emirates (the)", "AE"},
    {"UAE", "AE"},
    {"U.A.E", "AE"},
    {"Emirates", "AE"},
    {"United States", "US"},
    {"United States of America", "US"},
    {"U.S", "US"},
    {"U.S.A", "US"},
    {"America", "US"},
    {"Vatican", "VA"},
    {"Vatican City", "VA"},
    {"Holy See", "VA"},
    {"Venezuela (Bolivarian Republic of)", "VE"},
    {"Viet Nam", "VN"},
    {"Virgin Islands, British", "VG"},
    {"Virgin Islands (British)", "VG"},
    {"Virgin Islands, U.S", "VI"},
    {"US Virgin Islands", "VI"},
    {"U.S. Virgin Islands", "VI"},
    {"Virgin Islands (U.S.)", "VI"},
    {"Wallis and Futuna Islands", "WF"},
    {"Yemen, Republic of", "YE"},
    {"Soviet Union", "SU"},
    {"former Soviet Union", "SU"},
    {"Union of Soviet Socialist Republics", "SU"},
    {"Federal Republic of Yugoslavia", "YU"},
    {"Serbia & Montenegro", "CS"},
};

#define N_COUNTRIES (sizeof(k_countries) / sizeof(k_countries[0]))
#define N_ALIASES (sizeof(k_aliases) / sizeof(k_aliases[0]))
#define N_KEYS (N_COUNTRIES + N_ALIASES)
#define KEY_MAX 80 /* bytes of a squashed key; longer input: unknown */
#define POOL_SIZE (N_KEYS * 40)

typedef struct key_ent {
  uint32_t off; /* into g_pool */
  uint16_t len;
  uint16_t row; /* index into k_countries */
} key_ent;

static key_ent g_keys[N_KEYS];
static size_t g_nkeys;
static char g_pool[POOL_SIZE];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static int lower_ascii(int c) {
  return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int is_alnum_ascii(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

/* The ASCII base letter of a Latin-1 letter given by its second UTF-8 byte
 * after 0xC3 (U+00C0..U+00FF), or 0 when it has none we care about. Names
 * of countries only use these few accents (Côte d'Ivoire, Curaçao, Réunion,
 * Åland, Türkiye, São Tomé and Príncipe, Saint Barthélemy). */
static int latin1_base(unsigned char b) {
  static const char map[65] =
      "aaaaaaaceeeeiiii"  /* C0..CF: ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏ */
      "dnooooo_ouuuuyts"  /* D0..DF: ÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞß */
      "aaaaaaaceeeeiiii"  /* E0..EF */
      "dnooooo_ouuuuyty"; /* F0..FF */
  if (b < 0x80 || b > 0xBF) return 0;
  int c = map[b - 0x80];
  return c == '_' ? 0 : c;
}

/* Appends the squashed form of s[0..len) to key; returns its length, or
 * -1 if it does not fit. Words are split on anything that is not a letter
 * or digit; apostrophes join ("d'Ivoire" is one word "divoire"). */
static int squash(const char *s, size_t len, char *key, size_t cap) {
  char word[KEY_MAX];
  size_t wl = 0, kl = 0;
  for (size_t i = 0; i <= len; i++) {
    int c = i < len ? (unsigned char)s[i] : ' ';
    int letter = 0;
    if (is_alnum_ascii(c)) {
      letter = lower_ascii(c);
    } else if (c == 0xC3 && i + 1 < len) {
      letter = latin1_base((unsigned char)s[i + 1]);
      if (letter) i++;
    } else if (c == '\'' || c == '`') {
      continue;
    } else if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
               ((unsigned char)s[i + 2] == 0x98 ||
                (unsigned char)s[i + 2] == 0x99)) {
      i += 2; /* U+2018 and U+2019, typographic apostrophes */
      continue;
    }
    if (letter) {
      if (wl + 1 >= sizeof(word)) return -1;
      word[wl++] = (char)letter;
      continue;
    }
    /* End of a word: apply the word rules, then append it. */
    const char *w = word;
    size_t n = wl;
    if (wl == 3 && memcmp(word, "the", 3) == 0) n = 0;
    if (wl == 2 && memcmp(word, "st", 2) == 0) {
      w = "saint";
      n = 5;
    }
    if (c == '&') {
      /* "&" is a word of its own. */
      if (kl + n + 3 >= cap) return -1;
      memcpy(key + kl, w, n);
      kl += n;
      memcpy(key + kl, "and", 3);
      kl += 3;
      wl = 0;
      continue;
    }
    if (kl + n >= cap) return -1;
    memcpy(key + kl, w, n);
    kl += n;
    wl = 0;
  }
  key[kl] = '\0';
  return (int)kl;
}

static int keycmp(const char *a, size_t alen, const char *b, size_t blen) {
  size_t n = alen < blen ? alen : blen;
  int c = memcmp(a, b, n);
  if (c != 0) return c;
  return alen < blen ? -1 : alen > blen;
}

static int key_ent_cmp(const void *pa, const void *pb) {
  const key_ent *a = pa, *b = pb;
  return keycmp(g_pool + a->off, a->len, g_pool + b->off, b->len);
}

static int row_of(const char *a2) {
  size_t lo = 0, hi = N_COUNTRIES;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(k_countries[mid].a2, a2);
    if (c == 0) return (int)mid;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

static void add_key(const char *name, int row, size_t *pool_used) {
  char key[KEY_MAX];
  int kl = squash(name, strlen(name), key, sizeof(key));
  /* Table names always fit; a unit test checks every one resolves. */
  if (kl <= 0 || row < 0 || *pool_used + (size_t)kl > POOL_SIZE) return;
  memcpy(g_pool + *pool_used, key, (size_t)kl);
  g_keys[g_nkeys].off = (uint32_t)*pool_used;
  g_keys[g_nkeys].len = (uint16_t)kl;
  g_keys[g_nkeys].row = (uint16_t)row;
  g_nkeys++;
  *pool_used += (size_t)kl;
}

static void build_keys(void) {
  size_t used = 0;
  for (size_t i = 0; i < N_COUNTRIES; i++)
    add_key(k_countries[i].name, (int)i, &used);
  for (size_t i = 0; i < N_ALIASES; i++)
    add_key(k_aliases[i].name, row_of(k_aliases[i].a2), &used);
  qsort(g_keys, g_nkeys, sizeof(g_keys[0]), key_ent_cmp);
}

static int is_space(int c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

/* Strips white space (and UTF-8 no-break spaces) at both ends. */
static void trim(const char **s, size_t *len) {
  const char *p = *s;
  size_t n = *len;
  for (;;) {
    if (n > 0 && is_space((unsigned char)p[0])) {
      p++;
      n--;
    } else if (n > 1 && (unsigned char)p[0] == 0xC2 &&
               (unsigned char)p[1] == 0xA0) {
      p += 2;
      n -= 2;
    } else {
      break;
    }
  }
  for (;;) {
    if (n > 0 && is_space((unsigned char)p[n - 1])) {
      n--;
    } else if (n > 1 && (unsigned char)p[n - 2] == 0xC2 &&
               (unsigned char)p[n - 1] == 0xA0) {
      n -= 2;
    } else {
      break;
    }
  }
  *s = p;
  *len = n;
}

static int is_alpha_n(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int c = (unsigned char)s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return 0;
  }
  return 1;
}

static const char *by_code(const char *s, size_t len) {
  char up[4];
  for (size_t i = 0; i < len; i++) {
    int c = (unsigned char)s[i];
    up[i] = (char)((c >= 'a' && c <= 'z') ? c - ('a' - 'A') : c);
  }
  up[len] = '\0';
  if (len == 2) {
    int r = row_of(up);
    return r >= 0 ? k_countries[r].a2 : NULL;
  }
  /* Alpha-3: a linear scan of 254 rows is fast enough and keeps one table
   * as the single source of truth. */
  for (size_t i = 0; i < N_COUNTRIES; i++)
    if (memcmp(k_countries[i].a3, up, 4) == 0) return k_countries[i].a2;
  return NULL;
}

const char *emb__country_lookup(const char *s, size_t len) {
  if (s == NULL) return NULL;
  trim(&s, &len);
  if (len > 0 && s[len - 1] == '.') {
    len--;
    trim(&s, &len);
  }
  /* OFAC writes sub-national areas as "Region: Crimea". */
  if (len > 7 && strncasecmp(s, "region:", 7) == 0) {
    s += 7;
    len -= 7;
    trim(&s, &len);
  }
  if (len == 0 || len > 4 * KEY_MAX) return NULL;
  if ((len == 2 || len == 3) && is_alpha_n(s, len)) {
    const char *cc = by_code(s, len);
    if (cc != NULL) return cc;
  }
  char key[KEY_MAX];
  int kl = squash(s, len, key, sizeof(key));
  if (kl <= 0) return NULL;
  pthread_once(&g_once, build_keys);
  size_t lo = 0, hi = g_nkeys;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const key_ent *k = &g_keys[mid];
    int c = keycmp(g_pool + k->off, k->len, key, (size_t)kl);
    if (c == 0) return k_countries[k->row].a2;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

const char *emb__country_name(const char *alpha2) {
  if (alpha2 == NULL || alpha2[0] == '\0' || alpha2[1] == '\0' ||
      alpha2[2] != '\0')
    return NULL;
  char up[3];
  for (int i = 0; i < 2; i++) {
    int c = (unsigned char)alpha2[i];
    up[i] = (char)((c >= 'a' && c <= 'z') ? c - ('a' - 'A') : c);
  }
  up[2] = '\0';
  int r = row_of(up);
  return r >= 0 ? k_countries[r].name : NULL;
}

/* For unit tests: checks the tables (k_countries sorted by alpha-2 with
 * unique codes; every alias names a known code and squashes to a key; no
 * key maps to two codes). Returns 0 when sound, else the 1-based index of
 * the first bad row (aliases counted after countries). */
int emb__country_selfcheck(void);
int emb__country_selfcheck(void) {
  for (size_t i = 1; i < N_COUNTRIES; i++)
    if (strcmp(k_countries[i - 1].a2, k_countries[i].a2) >= 0)
      return (int)i + 1;
  for (size_t i = 0; i < N_ALIASES; i++) {
    char key[KEY_MAX];
    if (row_of(k_aliases[i].a2) < 0 ||
        squash(k_aliases[i].name, strlen(k_aliases[i].name), key,
               sizeof(key)) <= 0)
      return (int)(N_COUNTRIES + i + 1);
  }
  pthread_once(&g_once, build_keys);
  if (g_nkeys != N_KEYS) return -1;
  for (size_t i = 1; i < g_nkeys; i++)
    if (key_ent_cmp(&g_keys[i - 1], &g_keys[i]) == 0 &&
        g_keys[i - 1].row != g_keys[i].row)
      return -2;
  return 0;
}
