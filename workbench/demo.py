"""The demo shop: a deterministic, realistic back office for "Demo Outfitters".

:func:`seed_demo` replaces every table of a store with a generated shop (one transaction), so every
report, dashboard and job can be tried without a real shop. The same ``seed`` and arguments always
give identical tables. Everything is generated column-wise with numpy/pyarrow: 50,000 orders take a
few seconds, 1,000,000 orders a few minutes.

What the demo contains
----------------------
- **shop**: "Demo Outfitters", currency EUR, time zone Europe/Berlin, weeks start on Monday,
  country DE, platform shopify, domain ``demo-outfitters.example``.
- **catalog**: 1,000-5,000 products (about 1,200 for 50,000 orders, :func:`default_products`) of
  eleven types (T-shirts, hoodies, sweatshirts, long sleeves, tank tops, caps, beanies, mugs,
  posters, tote bags, stickers), with vendors, tags, HTML descriptions, SEO fields and statuses
  (about 85% active, 8% draft, 7% archived). Options are Size (S-XXL for apparel, A3/A2/A1 for
  posters) and Color; stickers have no options (one variant, no option rows). Variants have SKUs,
  EAN-13 barcodes (13-digit strings, leading zeros kept), price, compare-at price (some products),
  cost, weight in grams. Images are URLs ``https://cdn.demo-outfitters.example/products/<handle>-<n>.jpg``
  (one per colour, sometimes an extra lifestyle shot); no image files are written. Collections:
  one per product type, plus "New Arrivals", "Bestsellers" and "Sale" (products with a compare-at price).
  Draft products never sell; products launched during the period sell only after their launch,
  archived products only before they were archived.
- **suppliers**: 20 suppliers (mostly EUR, some USD/GBP), payment terms 15/30/45/60 days. Every
  variant has one primary supplier (``supplier_products.is_primary``), some a second, dearer one.
  ``supplier_products.unit_cost`` is today's price list in the supplier's currency
  (``supplier_products.currency`` = ``suppliers.currency``), converted from the EUR cost at the fixed
  demo rates :data:`FX_PER_EUR` (units per EUR) and rounded to the cent. ``variants.cost`` is today's
  EUR cost.
- **customers**: about ``orders / 3``; about 10% never ordered, about 30% ordered more than once
  (skewed: a few loyal customers order very often). Mostly DE, then AT, CH, NL, FR, GB, US, ...
  Emails are at example.com / example.org / example.net.
- **orders**: ``orders`` orders over ``days`` days from ``start`` (local Europe/Berlin days), with a
  growth trend, a Q4 peak (Black Friday to Cyber Monday, December), a summer dip and a weekday pattern
  (Sunday/Monday strongest, Friday/Saturday weakest). Channels: online_store (~72%), facebook (~9%),
  instagram (~7%), pos (~12%, shop open Monday-Saturday, 10:00-19:00; about half of POS sales have no
  customer). ``created_at`` is a UTC instant. Order numbers ``#1001``, ``#1002``, ... follow time.
  A few test orders (``is_test``, gateway "bogus"); about 1.5% are cancelled (authorization voided).
- **UTM**: facebook/instagram orders carry ``utm_source`` facebook/instagram, ``utm_medium``
  paid_social, ``utm_campaign`` = ``ad_stats.campaign_name`` of a campaign of that platform running
  that day, ``utm_content`` = ``ad_stats.campaign_id``. Some online-store orders carry
  newsletter (utm_medium email) or google (organic) UTMs.

Money rules (the reports rely on these)
---------------------------------------
- All money is exact (``decimal128(18, 4)`` built from integer cents). Orders, transactions and ad
  spend are in EUR; supplier costs and supplier payments are in each supplier's own currency
  (EUR, USD or GBP).
- **Prices exclude tax**; tax is added on top.
- ``order_lines.price`` is the unit price before discounts; gross sales of a line = price x quantity.
- Discount codes are order-level (WELCOME10 on a first order, BLACKFRIDAY25, XMAS20, SUMMER15:
  percentages; NEWSLETTER5: 5 EUR off orders of 40 EUR or more). The order discount is spread over
  the lines in proportion to their gross value (cents, remainder on the first line);
  ``order_lines.discount_amount`` holds that share, so order discounts = sum of line discounts.
  FREESHIP sets ``orders.shipping_discount`` = ``shipping_price``.
- Tax: VAT of the destination country (DE 19%, AT/FR 20%, NL/BE/ES 21%, IT 22%, PL 23%, DK/SE 25%)
  on (price x quantity - discount_amount), rounded half up per line into ``order_lines.tax_amount``;
  exports outside the EU (CH, GB, US, NO) carry no tax. Shipping is not taxed. ``orders.total_tax`` =
  sum of the lines' ``tax_amount``. ``total_duties`` is 0.
- Shipping: DE 4.90 (free from 50 EUR net of discounts), EU 9.90 (free from 100 EUR), CH/GB/NO
  14.90, elsewhere 19.90; POS orders 0.
- **Order total** = sum(price x quantity) - sum(discount_amount) + shipping_price - shipping_discount
  + total_tax. A successful sale transaction carries exactly this amount.
- Refunds (about 6% of orders, 3-30 days after the order and after shipping): ``refund_lines.amount``
  = the refunded units' value after discount, before tax (exact for whole lines, cents rounded down
  for part of a line); ``refunds.tax_amount`` = the matching tax; ``refunds.shipping_amount`` = the
  shipping actually paid, only on full refunds. The refund transaction = amount + tax + shipping.
  financial_status is "refunded" when every unit was refunded, else "partially_refunded".
- ``order_lines.supplier_id`` is the variant's primary supplier, ``order_lines.supplier_currency`` its
  currency (= ``suppliers.currency``) and ``order_lines.supplier_unit_cost`` what we owe it per unit,
  in that currency, at the time of sale: its price list (``supplier_products.unit_cost``) with its
  yearly drift (suppliers raise prices by 0-5% every January 1st, so lines of earlier years cost
  today's price / (1 + increase) per year back, rounded to the cent).
- ``order_lines.unit_cost`` is the same cost in the order's currency (EUR, for margins):
  ``supplier_unit_cost / FX_PER_EUR[supplier_currency]`` rounded to the cent (for EUR suppliers the
  two are equal).

Fulfilment, suppliers, marketing
--------------------------------
- ``ship_by`` = ``created_at`` + 2 business days (Mon-Fri, same clock time; a weekend order counts
  from Monday). Shipments leave 0-5 business days after the order (bank transfers: after payment;
  about 13% after ``ship_by``), are delivered 1-7 days later (DHL, DPD, UPS, Hermes; providers
  shipstation, shipwire, manual). About 4% of multi-line orders ship in two parts (the rest 3-14 days
  later, or 20-120 days when waiting for a restock). Test orders are not shipped. POS sales are fulfilled at the counter: one shipment
  with provider "pos", no carrier, delivered at once (leave them out of lead-time figures).
  ``fulfillment_status`` is "fulfilled" when every line shipped, "partial" when some did, else
  "unfulfilled". Events after the end of the period (shipments, deliveries, refunds, reviews, payments
  of pending bank transfers) do not exist yet.
- Supplier liabilities (ours): a shipped line owes its supplier ``supplier_unit_cost x quantity`` in
  the supplier's currency, due at the shipment's local date + ``payment_terms_days``. Supplier payments
  are made in the supplier's own currency (``supplier_payments.currency`` = ``suppliers.currency``;
  method sepa_transfer for EUR, swift otherwise) on the 25th of each month (the Friday before when it
  falls on a weekend), in whole units, and cover most but not all of what is due by then (96.5-99.5%
  per supplier, oldest bills first); the payments of the two suppliers with the largest bills (in
  EUR) stopped 50 and 100 days before the end, so an aging as of the last day has bills in 0-30,
  31-60, 61-90 and 90+ days past due.
- **ad_stats**: daily rows per Facebook/Instagram campaign (two always-on campaigns plus a Black Friday
  and a summer campaign per year) with spend, impressions, clicks and platform-reported purchases and
  purchase value (Meta over-attributes: 1.1-1.6x the orders our UTMs attribute).
- **sessions**: daily per device (desktop, mobile, tablet); ``converted`` sums to that local day's
  non-test online_store orders; conversion about 1.5-3%.
- **reviews**: about 12% of delivered orders review one item; ratings skewed to 4-5 with some 1-2;
  mostly published.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import schema
from .store import Store

__all__ = ["FX_PER_EUR", "SHOP_NAME", "TIMEZONE", "default_products", "generate_demo", "seed_demo"]

SHOP_NAME = "Demo Outfitters"
TIMEZONE = "Europe/Berlin"
DOMAIN = "demo-outfitters.example"
CDN = "https://cdn.demo-outfitters.example/products/"
#: Fixed demo exchange rates: units of the currency per 1 EUR.
FX_PER_EUR = {"EUR": 1.0, "USD": 1.08, "GBP": 0.85}

_US_DAY = 86_400_000_000
_US_H = 3_600_000_000
_US_MIN = 60_000_000
_EPOCH = date(1970, 1, 1)

# ------------------------------------------------------------------------------------------------
# Vocabulary
# ------------------------------------------------------------------------------------------------

# type, plural (collection), share, sizes (global size codes), colours (min, max), price points (cents),
# weight g, sku code, category path, taxonomy
_SIZES = ["S", "M", "L", "XL", "XXL", "A3", "A2", "A1"]
_SIZE_W = np.array([0.15, 0.30, 0.28, 0.18, 0.09, 0.5, 0.35, 0.15])
_APPAREL = (0, 1, 2, 3, 4)
_TYPES = [
    # name, plural, share, size codes, (cmin, cmax), prices, grams, code, path, taxonomy, noun
    ("T-Shirt", "T-Shirts", 0.27, [0, 1, 2, 3, 4], (1, 4), [1990, 2290, 2490, 2790, 2990], 180, "TS",
     "Apparel > Tops > T-Shirts", "Apparel & Accessories > Clothing > Clothing Tops > T-Shirts", "shirt"),
    ("Hoodie", "Hoodies", 0.12, [0, 1, 2, 3, 4], (1, 4), [4490, 4990, 5490, 5990, 6490], 560, "HD",
     "Apparel > Tops > Hoodies", "Apparel & Accessories > Clothing > Activewear > Hoodies", "hoodie"),
    ("Sweatshirt", "Sweatshirts", 0.08, [0, 1, 2, 3, 4], (1, 3), [3990, 4490, 4990, 5490], 480, "SW",
     "Apparel > Tops > Sweatshirts", "Apparel & Accessories > Clothing > Clothing Tops > Sweatshirts", "sweatshirt"),
    ("Long Sleeve", "Long Sleeves", 0.06, [0, 1, 2, 3, 4], (1, 3), [2490, 2790, 2990, 3490], 230, "LS",
     "Apparel > Tops > Long Sleeves", "Apparel & Accessories > Clothing > Clothing Tops > T-Shirts", "long sleeve"),
    ("Tank Top", "Tank Tops", 0.04, [0, 1, 2, 3, 4], (1, 3), [1790, 1990, 2290, 2490], 140, "TT",
     "Apparel > Tops > Tank Tops", "Apparel & Accessories > Clothing > Clothing Tops > Tank Tops", "tank top"),
    ("Cap", "Caps", 0.08, [], (1, 4), [1990, 2290, 2490, 2790], 120, "CP",
     "Accessories > Headwear > Caps", "Apparel & Accessories > Clothing Accessories > Hats > Baseball Caps", "cap"),
    ("Beanie", "Beanies", 0.05, [], (1, 4), [1790, 1990, 2290, 2490], 90, "BN",
     "Accessories > Headwear > Beanies", "Apparel & Accessories > Clothing Accessories > Hats > Beanies", "beanie"),
    ("Mug", "Mugs", 0.09, [], (1, 2), [1290, 1490, 1690], 350, "MG",
     "Home > Mugs", "Home & Garden > Kitchen & Dining > Tableware > Drinkware > Mugs", "mug"),
    ("Poster", "Posters", 0.09, [5, 6, 7], (0, 0), [1490, 1790, 1990], 200, "PS",
     "Home > Posters", "Home & Garden > Decor > Artwork > Posters, Prints, & Visual Artwork", "poster"),
    ("Tote Bag", "Tote Bags", 0.05, [], (1, 3), [1490, 1690, 1990], 150, "TB",
     "Accessories > Bags > Tote Bags", "Luggage & Bags > Shopping Totes", "tote bag"),
    ("Sticker", "Stickers", 0.07, [], (0, 0), [290, 390, 490], 10, "ST",
     "Accessories > Stickers", "Arts & Entertainment > Hobbies & Creative Arts > Arts & Crafts > Stickers", "sticker"),
]
_COLORS = ["Black", "White", "Navy", "Heather Grey", "Forest Green", "Burgundy", "Sand", "Royal Blue",
           "Olive", "Dusty Pink"]
_COLOR_CODES = ["BLK", "WHT", "NVY", "HGR", "FGR", "BRG", "SND", "RBL", "OLV", "PNK"]
_ADJ = ["Vintage", "Retro", "Classic", "Minimal", "Bold", "Urban", "Wild", "Cosy", "Electric", "Golden",
        "Midnight", "Sunny", "Rainy", "Neon", "Faded", "Tiny", "Mighty", "Lazy", "Happy", "Grumpy",
        "Cosmic", "Nordic", "Alpine", "Coastal", "Analog", "Pixel", "Sketchy", "Wavy", "Velvet", "Rusty",
        "Frosty", "Dreamy", "Loud", "Quiet", "Lucky", "Brave", "Sleepy", "Funky", "Honest", "Wandering"]
_MOTIF = ["Mountain", "Fox", "Bicycle", "Coffee", "Wave", "Sunset", "Cactus", "Rocket", "Cat", "Dog",
          "Owl", "Bear", "Whale", "Forest", "City", "Skyline", "Lighthouse", "Moon", "Sun", "Star",
          "Tiger", "Panda", "Otter", "Hedgehog", "Pretzel", "Tram", "Record", "Cassette", "Guitar", "Robot",
          "Dinosaur", "Mushroom", "Palm", "Anchor", "Compass", "Campfire", "Tent", "Kayak", "Surfboard",
          "Skateboard", "Sneaker", "Bee", "Butterfly", "Octopus", "Penguin", "Llama", "Koala", "Flamingo",
          "Taco", "Donut", "Pizza", "Avocado", "Banana", "Cherry", "Lemon", "Tulip", "Sunflower", "Fern",
          "Volcano", "Glacier", "River", "Bridge", "Castle", "Windmill", "Typewriter", "Camera", "Planet",
          "Comet", "Galaxy", "Thunder", "Rainbow", "Snowflake", "Bonsai", "Hummingbird", "Walrus", "Raccoon",
          "Moose", "Sloth", "Narwhal", "Heron"]
_THEME = {0: "outdoor", 1: "animals", 2: "food", 3: "space", 4: "city", 5: "nature", 6: "music"}
_MATERIAL = ["100% organic cotton", "80% organic cotton, 20% recycled polyester", "100% cotton",
             "organic cotton jersey"]
_VENDORS = ["Demo Outfitters", "Nordlicht Apparel", "Urban Thread Co.", "Kaffeeklatsch Ceramics",
            "PaperPlane Prints", "Alpine Headwear", "Good Bag Company", "Sticker Mule Club"]
# vendor choices per type index
_TYPE_VENDORS = {0: [0, 1, 2], 1: [0, 1, 2], 2: [0, 1], 3: [0, 2], 4: [0, 2], 5: [0, 5], 6: [0, 5],
                 7: [3, 0], 8: [4, 0], 9: [6, 0], 10: [7, 4]}

# 20 suppliers: name, country, currency, terms, lead, categories (type indices)
_SUPPLIERS = [
    ("Textil Lusitania Lda.", "PT", "EUR", 30, 21, _APPAREL),
    ("Anatolia Garments A.S.", "TR", "EUR", 45, 28, _APPAREL),
    ("Berliner Siebdruck GmbH", "DE", "EUR", 15, 7, _APPAREL),
    ("Dhaka Knitwear Ltd.", "BD", "USD", 60, 45, (0, 3, 4)),
    ("Shenzhen Apparel Trading Co.", "CN", "USD", 60, 40, (0, 1, 2)),
    ("Manchester Print Works Ltd.", "GB", "GBP", 30, 10, (0, 1, 8)),
    ("Polska Odziez Sp. z o.o.", "PL", "EUR", 30, 12, (1, 2, 3)),
    ("Hutmacherei Allgaeu GmbH", "DE", "EUR", 30, 10, (5, 6)),
    ("Capital Caps Inc.", "US", "USD", 45, 30, (5,)),
    ("Strickwerk Sachsen GmbH", "DE", "EUR", 15, 8, (6,)),
    ("Porzellanmanufaktur Oberland", "DE", "EUR", 30, 14, (7,)),
    ("Ceramica Italiana S.r.l.", "IT", "EUR", 45, 18, (7,)),
    ("Stoke Pottery Ltd.", "GB", "GBP", 30, 16, (7,)),
    ("Druckhaus Nord GmbH", "DE", "EUR", 15, 5, (8, 10)),
    ("Imprimerie de Lyon SARL", "FR", "EUR", 30, 9, (8,)),
    ("Drukkerij Amsterdam B.V.", "NL", "EUR", 30, 7, (8, 10)),
    ("Jute & Co. Textiles", "IN", "USD", 60, 35, (9,)),
    ("Taschenwerk Koeln GmbH", "DE", "EUR", 30, 10, (9,)),
    ("Vinyl Sticker Factory s.r.o.", "CZ", "EUR", 15, 6, (10,)),
    ("Nordic Merch AB", "SE", "EUR", 45, 12, (0, 5, 9)),
]

_CALLING = {"PT": 351, "TR": 90, "DE": 49, "BD": 880, "CN": 86, "GB": 44, "PL": 48, "US": 1, "IT": 39,
            "FR": 33, "NL": 31, "IN": 91, "CZ": 420, "SE": 46}

_FIRST = [("Anna", "anna"), ("Lukas", "lukas"), ("Marie", "marie"), ("Leon", "leon"), ("Sophie", "sophie"),
          ("Jonas", "jonas"), ("Lena", "lena"), ("Paul", "paul"), ("Emma", "emma"), ("Felix", "felix"),
          ("Mia", "mia"), ("Maximilian", "maximilian"), ("Hannah", "hannah"), ("Elias", "elias"),
          ("Lea", "lea"), ("Noah", "noah"), ("Laura", "laura"), ("Finn", "finn"), ("Julia", "julia"),
          ("Ben", "ben"), ("Sarah", "sarah"), ("Tim", "tim"), ("Katharina", "katharina"), ("Jan", "jan"),
          ("Jürgen", "juergen"), ("Sören", "soeren"), ("Zoë", "zoe"), ("Chloé", "chloe"), ("Lucas", "lucas"),
          ("Emily", "emily"), ("Oliver", "oliver"), ("Charlotte", "charlotte"), ("Daan", "daan"),
          ("Sanne", "sanne"), ("Matteo", "matteo"), ("Giulia", "giulia"), ("Noémie", "noemie"),
          ("Hugo", "hugo"), ("Olivia", "olivia"), ("James", "james"), ("Ayşe", "ayse"), ("Mehmet", "mehmet"),
          ("Aleksandra", "aleksandra"), ("Piotr", "piotr"), ("Ingrid", "ingrid"), ("Lars", "lars"),
          ("Fatima", "fatima"), ("Omar", "omar"), ("Yuki", "yuki"), ("Mei", "mei")]
_LAST = [("Müller", "mueller"), ("Schmidt", "schmidt"), ("Schneider", "schneider"), ("Fischer", "fischer"),
         ("Weber", "weber"), ("Meyer", "meyer"), ("Wagner", "wagner"), ("Becker", "becker"),
         ("Schulz", "schulz"), ("Hoffmann", "hoffmann"), ("Koch", "koch"), ("Richter", "richter"),
         ("Klein", "klein"), ("Wolf", "wolf"), ("Schröder", "schroeder"), ("Neumann", "neumann"),
         ("Schwarz", "schwarz"), ("Zimmermann", "zimmermann"), ("Braun", "braun"), ("Krüger", "krueger"),
         ("Hofmann", "hofmann"), ("Hartmann", "hartmann"), ("Lange", "lange"), ("Werner", "werner"),
         ("Krause", "krause"), ("Lehmann", "lehmann"), ("Köhler", "koehler"), ("Huber", "huber"),
         ("Gruber", "gruber"), ("Bauer", "bauer"), ("Keller", "keller"), ("Dubois", "dubois"),
         ("Martin", "martin"), ("Lefèvre", "lefevre"), ("de Vries", "devries"), ("Jansen", "jansen"),
         ("Smith", "smith"), ("Jones", "jones"), ("Taylor", "taylor"), ("Brown", "brown"),
         ("Rossi", "rossi"), ("Bianchi", "bianchi"), ("Kowalski", "kowalski"), ("Nowak", "nowak"),
         ("Yılmaz", "yilmaz"), ("Öztürk", "oeztuerk"), ("Andersson", "andersson"), ("Nielsen", "nielsen"),
         ("García", "garcia"), ("Peeters", "peeters")]
_MAIL_DOMAINS = ["example.com", "example.org", "example.net"]
_STREETS = ["Hauptstraße", "Bahnhofstraße", "Gartenweg", "Lindenallee", "Schulstraße", "Dorfstraße",
            "Bergstraße", "Kirchgasse", "Rosenweg", "Marktplatz", "Am Hafen", "Parkstraße"]

# country: share, VAT basis points, shipping cents, free-shipping threshold cents, zip width, cities, phone prefix
_COUNTRIES = [
    ("DE", 0.64, 1900, 490, 5000, 5, ["Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main", "Leipzig",
                                      "Stuttgart", "Dresden", "Bremen", "Freiburg"], "+49"),
    ("AT", 0.10, 2000, 990, 10000, 4, ["Wien", "Graz", "Linz", "Salzburg", "Innsbruck"], "+43"),
    ("CH", 0.06, 0, 1490, 0, 4, ["Zürich", "Bern", "Basel", "Luzern"], "+41"),
    ("NL", 0.05, 2100, 990, 10000, 4, ["Amsterdam", "Rotterdam", "Utrecht", "Den Haag"], "+31"),
    ("FR", 0.04, 2000, 990, 10000, 5, ["Paris", "Lyon", "Strasbourg", "Lille"], "+33"),
    ("GB", 0.03, 0, 1490, 0, 0, ["London", "Manchester", "Bristol", "Edinburgh"], "+44"),
    ("US", 0.03, 0, 1990, 0, 5, ["New York", "San Francisco", "Chicago", "Austin", "Seattle"], "+1"),
    ("BE", 0.02, 2100, 990, 10000, 4, ["Brussel", "Antwerpen", "Gent"], "+32"),
    ("IT", 0.01, 2200, 990, 10000, 5, ["Milano", "Roma", "Bologna"], "+39"),
    ("PL", 0.01, 2300, 990, 10000, 5, ["Warszawa", "Kraków", "Wrocław"], "+48"),
    ("ES", 0.005, 2100, 990, 10000, 5, ["Madrid", "Barcelona", "Valencia"], "+34"),
    ("DK", 0.005, 2500, 990, 10000, 4, ["København", "Aarhus"], "+45"),
    ("SE", 0.005, 2500, 990, 10000, 5, ["Stockholm", "Göteborg"], "+46"),
    ("NO", 0.005, 0, 1490, 0, 4, ["Oslo", "Bergen"], "+47"),
]
_US_STATES = ["NY", "CA", "IL", "TX", "WA"]  # aligned with the US cities above
_GB_ZIPS = ["SW1A 1AA", "M1 1AE", "BS1 4DJ", "EH1 1YZ"]

_REVIEW_TITLES = {
    5: ["Love it!", "Perfect", "Absolutely great", "Best purchase this year", "Super happy"],
    4: ["Really nice", "Very good", "Great quality", "Happy with it", "Would buy again"],
    3: ["It's okay", "Decent", "Mixed feelings", "Not bad", "Average"],
    2: ["Disappointed", "Not great", "Expected more", "Meh"],
    1: ["Terrible", "Do not buy", "Very disappointed", "Returned it"],
}
_REVIEW_BODIES = {  # (before, after) around the product noun
    5: [("This ", " is amazing. The print is sharp and it arrived quickly."),
        ("Bought the ", " as a gift and they loved it. Great quality!"),
        ("My new favourite ", ". Fits perfectly and feels great."),
        ("Second ", " I ordered here, and again top quality.")],
    4: [("Nice ", ", the colours are a bit darker than on the photos."),
        ("Good ", " for the price. Shipping took a few days."),
        ("The ", " looks great, the material could be a little thicker.")],
    3: [("The ", " is fine, but the size runs small."),
        ("Okay ", ". The print faded a little after washing.")],
    2: [("The ", " arrived late and the colour is off."),
        ("Quality of the ", " is not what I expected.")],
    1: [("The ", " arrived damaged. Had to return it."),
        ("Wrong size ", " and customer service was slow.")],
}

_REFUND_REASONS = ["too_small", "too_large", "changed_mind", "damaged", "not_as_described", "late_delivery"]


# ------------------------------------------------------------------------------------------------
# Small column builders (all exact, all vectorised)
# ------------------------------------------------------------------------------------------------

def _money(cents, valid=None) -> pa.Array:
    """Integer cents -> decimal128(18, 4), exactly (the unscaled value is cents * 100)."""
    v = np.ascontiguousarray(cents, dtype=np.int64) * 100
    buf = np.empty((len(v), 2), dtype=np.int64)
    buf[:, 0] = v
    buf[:, 1] = v >> 63
    arr = pa.Array.from_buffers(schema.MONEY, len(v), [None, pa.py_buffer(buf)])
    return arr if valid is None else _valid(arr, valid)


def _valid(arr: pa.Array, valid) -> pa.Array:
    """``arr`` with nulls where ``valid`` is False."""
    valid = np.asarray(valid, dtype=bool)
    if valid.all():
        return arr
    return pc.if_else(pa.array(valid), arr, pa.scalar(None, arr.type))


def _ts(us, valid=None) -> pa.Array:
    arr = pa.array(np.ascontiguousarray(us, dtype=np.int64)).view(schema.TS)
    return arr if valid is None else _valid(arr, valid)


def _date(days) -> pa.Array:
    return pa.array(np.ascontiguousarray(days, dtype=np.int32)).view(pa.date32())


def _int(a) -> pa.Array:
    return pa.array(np.ascontiguousarray(a, dtype=np.int64))


def _num(a, width: int = 0) -> pa.Array:
    s = pa.array(np.ascontiguousarray(a, dtype=np.int64)).cast(pa.string())
    return pc.utf8_lpad(s, width, padding="0") if width else s


def _ids(prefix: str, nums, width: int) -> pa.Array:
    return _cat(prefix, _num(nums, width))


def _cat(*parts, sep: str = "") -> pa.Array:
    """Element-wise string concatenation of arrays and constant strings (nulls skipped)."""
    arrays = [p for p in parts if not isinstance(p, str)]
    if not arrays:
        raise ValueError("need at least one array")
    # pyarrow 26's null_handling="skip" drops trailing rows whose values are all null (wrong
    # length), so nulls become "" and separators of empty parts are removed afterwards.
    args = [pa.scalar(p, pa.string()) if isinstance(p, str) else p.fill_null("") for p in parts]
    if not sep:
        return pc.binary_join_element_wise(*args, "")
    out = pc.binary_join_element_wise(*args, "\x1f")
    out = pc.replace_substring_regex(out, "\x1f\x1f+", "\x1f")
    out = pc.utf8_trim(out, "\x1f")
    return pc.replace_substring(out, "\x1f", sep)


def _pick(labels, idx) -> pa.Array:
    return pa.array(list(labels), pa.string()).take(pa.array(np.asarray(idx, dtype=np.int64)))


def _const(value, n: int, type_=pa.string()) -> pa.Array:
    return pa.array([value], type_).take(pa.array(np.zeros(n, dtype=np.int64)))


def _nulls(n: int, type_=pa.string()) -> pa.Array:
    return pa.nulls(n, type_)


def _choice(rng: np.random.Generator, n: int, p) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def _group_pos(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For groups of ``counts`` rows laid out consecutively: (group of row, position in group, group starts)."""
    counts = np.asarray(counts, dtype=np.int64)
    starts = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    group = np.repeat(np.arange(len(counts)), counts)
    pos = np.arange(counts.sum(), dtype=np.int64) - starts[group]
    return group, pos, starts


def _local_to_utc(local_us: np.ndarray) -> np.ndarray:
    """Naive Europe/Berlin wall-clock microseconds -> UTC microseconds (gaps shift forward)."""
    local_us = np.asarray(local_us, dtype=np.int64)
    if not len(local_us):
        return local_us
    idx = pd.DatetimeIndex(local_us.astype("datetime64[us]"))
    loc = idx.tz_localize(TIMEZONE, ambiguous=np.zeros(len(idx), dtype=bool), nonexistent="shift_forward")
    return loc.tz_convert("UTC").tz_localize(None).to_numpy().astype("datetime64[us]").astype(np.int64)


def _busday(days: np.ndarray, offset, roll: str = "forward") -> np.ndarray:
    d = np.asarray(days, dtype="int64").astype("datetime64[D]")
    return np.busday_offset(d, offset, roll=roll).astype(np.int64)


def _weekday(days: np.ndarray) -> np.ndarray:
    """0 = Monday for days since 1970-01-01 (a Thursday)."""
    return (np.asarray(days) + 3) % 7


def _round_x90(cents: np.ndarray) -> np.ndarray:
    """Round prices to the next ...x.90."""
    return (np.ceil((cents - 90) / 100.0).astype(np.int64) * 100 + 90).clip(min=190)


def _ean13(base12: np.ndarray) -> pa.Array:
    """EAN-13 strings (leading zeros kept) from 12-digit integers."""
    digits = (base12[:, None] // (10 ** np.arange(11, -1, -1, dtype=np.int64))) % 10
    weights = np.tile([1, 3], 6)
    check = (10 - (digits * weights).sum(axis=1) % 10) % 10
    return _num(base12 * 10 + check, 13)


def default_products(orders: int) -> int:
    """Catalog size for ``orders`` orders: about 1,200 for 50,000, at most 5,000 (at 1,000,000 ~2,500)."""
    return int(np.clip(round(1200 * (max(orders, 1) / 50_000) ** 0.25), 1000, 5000))


def _black_friday(year: int) -> date:
    nov1 = date(year, 11, 1)
    first_thu = nov1 + timedelta(days=(3 - nov1.weekday()) % 7)
    return first_thu + timedelta(days=22)


# ------------------------------------------------------------------------------------------------
# The generator
# ------------------------------------------------------------------------------------------------

class _Gen:
    def __init__(self, orders: int, products: int | None, seed: int, start: date, days: int) -> None:
        if orders < 1 or days < 28:
            raise ValueError("the demo needs at least 1 order and 28 days")
        self.n_orders = int(orders)
        self.n_products = int(products) if products else default_products(orders)
        self.start = start
        self.days = int(days)
        self.d0 = (start - _EPOCH).days            # first local day (days since epoch)
        self.d_end = self.d0 + self.days           # first day after the period
        self.end_local = self.d_end * _US_DAY      # local wall clock end of the period
        self.ss = np.random.SeedSequence(seed)
        self.frames: dict[str, pa.Table] = {}

    def rng(self, name: str) -> np.random.Generator:
        """An independent stream per step, so steps do not shift each other's numbers."""
        key = [int(b) for b in name.encode()]
        return np.random.default_rng(np.random.SeedSequence(entropy=self.ss.entropy, spawn_key=tuple(key)))

    # ---- catalog --------------------------------------------------------------------------------
    def catalog(self) -> None:
        rng = self.rng("catalog")
        P = self.n_products
        shares = np.array([t[2] for t in _TYPES])
        counts = rng.multinomial(P, shares / shares.sum())
        ptype = np.repeat(np.arange(len(_TYPES)), counts)
        # unique (adjective, motif) per type
        adj = np.empty(P, np.int64)
        motif = np.empty(P, np.int64)
        n_combo = len(_ADJ) * len(_MOTIF)
        off = 0
        for t, c in enumerate(counts):
            if c > n_combo:
                raise ValueError(f"too many products of type {_TYPES[t][0]} for unique titles")
            combo = rng.choice(n_combo, size=c, replace=False)
            adj[off:off + c] = combo // len(_MOTIF)
            motif[off:off + c] = combo % len(_MOTIF)
            off += c
        perm = rng.permutation(P)  # mix the types in id order
        ptype, adj, motif = ptype[perm], adj[perm], motif[perm]
        self.ptype, self.padj, self.pmotif = ptype, adj, motif

        type_names = [t[0] for t in _TYPES]
        titles = _cat(_pick(_ADJ, adj), " ", _pick(_MOTIF, motif), " ", _pick(type_names, ptype))
        handles = pc.replace_substring_regex(pc.utf8_lower(titles), r"[^a-z0-9]+", "-")
        self.titles, self.handles = titles, handles

        # status and dates (local days)
        status = _choice(rng, P, [0.85, 0.08, 0.07])  # active, draft, archived
        launched = rng.random(P) < 0.15
        created = np.where(launched, self.d0 + rng.integers(0, max(self.days - 30, 1), P),
                           self.d0 - rng.integers(30, 900, P))
        archived_day = np.where(status == 2, np.maximum(created + 60, self.d0 + rng.integers(30, self.days, P)),
                                self.d_end + 10_000)
        archived_day = np.minimum(archived_day, np.where(status == 2, self.d_end - 1, archived_day))
        self.pstatus, self.pcreated, self.parchived = status, created, archived_day
        created_us = created * _US_DAY + rng.integers(8 * _US_H, 18 * _US_H, P)
        updated_us = np.where(status == 2, archived_day * _US_DAY + 10 * _US_H,
                              np.minimum(created_us + rng.integers(0, 200, P) * _US_DAY, self.end_local - _US_H))
        updated_us = np.maximum(updated_us, created_us)
        created_utc, updated_utc = _local_to_utc(created_us), _local_to_utc(updated_us)

        vendor = np.empty(P, np.int64)
        for t, vs in _TYPE_VENDORS.items():
            m = ptype == t
            vendor[m] = np.array(vs)[_choice(rng, int(m.sum()), [0.5] + [0.5 / (len(vs) - 1)] * (len(vs) - 1))]
        self.pvendor = vendor
        theme = motif % len(_THEME)
        tnoun = [t[10] for t in _TYPES]
        is_apparel = np.isin(ptype, _APPAREL)
        material = rng.integers(0, len(_MATERIAL), P)
        bestseller = rng.random(P) < 0.08
        new = created >= self.d_end - 120
        tags = _cat(_pick([t[0].lower() for t in _TYPES], ptype),
                    _pick(list(_THEME.values()), theme),
                    _valid(_const("organic", P), is_apparel & (material != 2)),
                    _valid(_const("bestseller", P), bestseller),
                    _valid(_const("new", P), new),
                    sep=", ")
        desc = _cat("<p>Our <strong>", titles, "</strong> puts a ", pc.utf8_lower(_pick(_ADJ, adj)), " ",
                    pc.utf8_lower(_pick(_MOTIF, motif)), " design on a ", _pick(tnoun, ptype),
                    " you will want to use every day.</p><ul><li>Material: ",
                    pc.if_else(pa.array(is_apparel), _pick(_MATERIAL, material),
                               _pick([("Printed paper" if i in (8, 10) else "Ceramic" if i == 7 else
                                       "Cotton canvas" if i == 9 else "Cotton twill") for i in range(len(_TYPES))],
                                     ptype)),
                    "</li><li>Printed in Europe</li><li>Ships in 1-3 business days</li></ul>")
        seo_title = _cat(titles, " | ", SHOP_NAME)
        seo_desc = _cat("Shop the ", titles, " from ", SHOP_NAME, ": ", pc.utf8_lower(_pick(_ADJ, adj)), " ",
                        pc.utf8_lower(_pick(_MOTIF, motif)), " design, free shipping in Germany from 50 EUR.")
        pid = _ids("p", np.arange(1, P + 1), 5)
        self.pid = pid
        self.frames["products"] = pa.table({
            "product_id": pid, "handle": handles, "title": titles, "description_html": desc,
            "vendor": _pick(_VENDORS, vendor), "product_type": _pick(type_names, ptype),
            "product_category": _pick([t[9] for t in _TYPES], ptype), "tags": tags,
            "status": _pick(["active", "draft", "archived"], status),
            "published": pa.array(status == 0), "gift_card": pa.array(np.zeros(P, bool)),
            "seo_title": seo_title, "seo_description": seo_desc,
            "source_platform": _const("shopify", P),
            "source_id": _num(8_100_000_000_000 + np.arange(P) * 37 + 11),
            "source_url": _cat("https://", DOMAIN, "/products/", handles),
            "created_at": _ts(created_utc), "updated_at": _ts(updated_utc),
        })

        # options: sizes and colours
        n_size = np.array([len(_TYPES[t][3]) for t in range(len(_TYPES))])[ptype]
        cmin = np.array([t[4][0] for t in _TYPES])[ptype]
        cmax = np.array([t[4][1] for t in _TYPES])[ptype]
        n_col = np.where(cmax > 0, rng.integers(np.maximum(cmin, 1), np.maximum(cmax, 1) + 1), 0)
        # colour palette per product: a random permutation of the palette
        keys = rng.random((P, len(_COLORS)))
        keys[:, 0] = np.where(rng.random(P) < 0.6, -1.0, keys[:, 0])  # black first for most
        palette = np.argsort(keys, axis=1)[:, :4]
        self.palette = palette

        ns, nc = np.maximum(n_size, 1), np.maximum(n_col, 1)
        nvar = ns * nc
        vprod, vpos, _ = _group_pos(nvar)
        V = len(vprod)
        s_i = vpos // nc[vprod]
        c_i = vpos % nc[vprod]
        size_codes = np.full((len(_TYPES), 5), -1)
        for t, tt in enumerate(_TYPES):
            size_codes[t, :len(tt[3])] = tt[3]
        vsize = np.where(n_size[vprod] > 0, size_codes[ptype[vprod], s_i], -1)
        vcolor = np.where(n_col[vprod] > 0, palette[vprod, c_i], -1)
        self.vprod, self.vsize, self.vcolor, self.vcolor_i = vprod, vsize, vcolor, c_i

        # product options rows
        has_s, has_c = n_size > 0, n_col > 0
        po_prod = np.concatenate([np.nonzero(has_s)[0], np.nonzero(has_c)[0]])
        po_pos = np.concatenate([np.ones(has_s.sum(), np.int64), np.where(has_s[has_c], 2, 1)])
        po_name = np.concatenate([np.zeros(has_s.sum(), np.int64), np.ones(has_c.sum(), np.int64)])
        o = np.lexsort((po_pos, po_prod))
        self.frames["product_options"] = pa.table({
            "product_id": pid.take(pa.array(po_prod[o])), "position": _int(po_pos[o]),
            "name": _pick(["Size", "Color"], po_name[o]), "linked_to": _nulls(len(o))})

        # prices (cents, excluding tax)
        base = np.empty(P, np.int64)
        for t, tt in enumerate(_TYPES):
            m = ptype == t
            base[m] = np.array(tt[5])[rng.integers(0, len(tt[5]), int(m.sum()))]
        uplift = np.array([0, 0, 0, 0, 200, 0, 500, 1500])
        price = base[vprod] + np.where(vsize >= 0, uplift[np.maximum(vsize, 0)], 0)
        cost_ratio = rng.uniform(0.28, 0.45, P)
        cost = np.round(price * cost_ratio[vprod]).astype(np.int64)
        has_cmp = rng.random(P) < 0.15
        cmp_price = _round_x90(price * rng.uniform(1.2, 1.5, P)[vprod])
        self.vprice, self.vcost = price, cost
        self.p_has_cmp = has_cmp
        weight = np.array([t[6] for t in _TYPES], float)[ptype[vprod]] * np.where(
            vsize >= 0, np.array([0.9, 1.0, 1.08, 1.16, 1.25, 1.0, 1.6, 2.6])[np.maximum(vsize, 0)], 1.0)
        self.vweight = weight

        vid = _ids("v", np.arange(1, V + 1), 6)
        self.vid = vid
        tcode = [t[7] for t in _TYPES]
        sku = _cat(_pick(tcode, ptype[vprod]), _num(vprod + 1, 5),
                   _valid(_pick(_COLOR_CODES, np.maximum(vcolor, 0)), vcolor >= 0),
                   _valid(_pick(_SIZES, np.maximum(vsize, 0)), vsize >= 0), sep="-")
        self.vsku = sku
        # barcodes: per-vendor GS1 prefix (7 digits) + item reference (5 digits) + check digit
        prefixes = np.array([4260123, 4006381, 812345, 4250987, 4063210, 4251111, 501234, 4262222], np.int64)
        vvendor = vendor[vprod]
        order_v = np.argsort(vvendor, kind="stable")
        item = np.empty(V, np.int64)
        counts_v = np.bincount(vvendor, minlength=len(_VENDORS))
        _, pos_v, _ = _group_pos(counts_v)
        item[order_v] = pos_v + 1
        barcode = _ean13(prefixes[vvendor] * 100_000 + item)
        vtitle = _cat(_valid(_pick(_SIZES, np.maximum(vsize, 0)), vsize >= 0),
                      _valid(_pick(_COLORS, np.maximum(vcolor, 0)), vcolor >= 0), sep=" / ")
        vtitle = pc.if_else(pc.equal(vtitle, ""), pa.scalar("Default Title"), vtitle)
        self.vtitle = _cat(titles.take(pa.array(vprod)), pc.if_else(
            pc.equal(vtitle, "Default Title"), pa.scalar(""), _cat(" - ", vtitle)))
        image_n = np.where(vcolor >= 0, c_i + 1, 1)
        inv = rng.integers(-3, 250, V)
        self.frames["variants"] = pa.table({
            "variant_id": vid, "product_id": pid.take(pa.array(vprod)), "position": _int(vpos + 1),
            "sku": sku, "barcode": barcode, "price": _money(price),
            "compare_at_price": _money(cmp_price, has_cmp[vprod]), "cost": _money(cost),
            "weight": pa.array(np.round(weight, 0)), "weight_unit": _const("g", V),
            "inventory_quantity": _int(np.where(status[vprod] == 2, 0, inv)),
            "inventory_policy": _pick(["deny", "continue"], (rng.random(V) < 0.1).astype(int)),
            "inventory_tracker": _const("shopify", V),
            "requires_shipping": pa.array(np.ones(V, bool)), "taxable": pa.array(np.ones(V, bool)),
            "tax_code": _nulls(V), "fulfillment_service": _const("manual", V),
            "image_src": _cat(CDN, handles.take(pa.array(vprod)), "-", _num(image_n), ".jpg"),
            "source_id": _num(44_000_000_000_000 + np.arange(V) * 13 + 7),
            "created_at": _ts(created_utc[vprod]),
        })

        # variant options
        vo_var = np.concatenate([np.nonzero(vsize >= 0)[0], np.nonzero(vcolor >= 0)[0]])
        vo_pos = np.concatenate([np.ones((vsize >= 0).sum(), np.int64),
                                 np.where(vsize[vcolor >= 0] >= 0, 2, 1)])
        vo_val = pa.concat_arrays([_pick(_SIZES, vsize[vsize >= 0]), _pick(_COLORS, vcolor[vcolor >= 0])])
        o = np.lexsort((vo_pos, vo_var))
        self.frames["variant_options"] = pa.table({
            "variant_id": vid.take(pa.array(vo_var[o])), "position": _int(vo_pos[o]),
            "value": vo_val.take(pa.array(o))})

        # images: one per colour (or one), plus a lifestyle shot for 40%
        lifestyle = rng.random(P) < 0.4
        n_img = nc + lifestyle
        iprod, ipos, _ = _group_pos(n_img)
        is_life = ipos >= nc[iprod]
        icolor = np.where((n_col[iprod] > 0) & ~is_life, palette[iprod, np.minimum(ipos, 3)], -1)
        alt = _cat(titles.take(pa.array(iprod)),
                   _valid(_pick(_COLORS, np.maximum(icolor, 0)), icolor >= 0),
                   _valid(_const("worn outdoors", len(iprod)), is_life), sep=" - ")
        self.frames["images"] = pa.table({
            "product_id": pid.take(pa.array(iprod)), "position": _int(ipos + 1),
            "src": _cat(CDN, handles.take(pa.array(iprod)), "-", _num(ipos + 1), ".jpg"),
            "alt": alt, "width": _int(np.full(len(iprod), 2048)), "height": _int(np.full(len(iprod), 2048)),
            "source_id": _num(30_000_000_000_000 + np.arange(len(iprod)) * 7 + 3)})

        # collections: per type + new arrivals, bestsellers, sale
        nt = len(_TYPES)
        c_titles = [t[1] for t in _TYPES] + ["New Arrivals", "Bestsellers", "Sale"]
        c_paths = [t[8] for t in _TYPES] + ["New Arrivals", "Bestsellers", "Sale"]
        c_handles = [h.lower().replace(" ", "-") for h in c_titles]
        cid = [f"col{i + 1:03d}" for i in range(len(c_titles))]
        self.frames["collections"] = pa.table({
            "collection_id": pa.array(cid), "handle": pa.array(c_handles), "title": pa.array(c_titles),
            "path": pa.array(c_paths),
            "description_html": pa.array([f"<p>All our {t.lower()}.</p>" if i < nt else f"<p>{t} at {SHOP_NAME}.</p>"
                                          for i, t in enumerate(c_titles)]),
            "source_id": pa.array([str(600_000_000_000 + i * 101) for i in range(len(c_titles))]),
            "source_url": pa.array([f"https://{DOMAIN}/collections/{h}" for h in c_handles])})
        live = status != 1
        memb_c = [ptype[live]]
        memb_p = [np.nonzero(live)[0]]
        for ci, m in ((nt, new & live), (nt + 1, bestseller & live), (nt + 2, has_cmp & live)):
            memb_p.append(np.nonzero(m)[0])
            memb_c.append(np.full(int(m.sum()), ci))
        mc, mp = np.concatenate(memb_c), np.concatenate(memb_p)
        o = np.lexsort((mp, mc))
        mc, mp = mc[o], mp[o]
        _, mpos, _ = _group_pos(np.bincount(mc, minlength=len(cid)))
        self.frames["collection_products"] = pa.table({
            "collection_id": _pick(cid, mc), "product_id": pid.take(pa.array(mp)), "position": _int(mpos + 1)})

        # metafields: material of apparel products
        ap = np.nonzero(is_apparel)[0]
        self.frames["extra"] = pa.table({
            "entity": _const("product", len(ap)), "entity_id": pid.take(pa.array(ap)),
            "namespace": _const("custom", len(ap)), "key": _const("material", len(ap)),
            "value": _pick(_MATERIAL, material[ap]), "type": _const("single_line_text_field", len(ap))})

        # popularity (drafts never sell)
        pop = rng.lognormal(0.0, 1.0, P) * np.where(bestseller, 4.0, 1.0) * (status != 1)
        color_w = np.array([1.0, 0.7, 0.5, 0.35])
        vw = pop[vprod] * np.where(vsize >= 0, _SIZE_W[np.maximum(vsize, 0)], 1.0) * np.where(
            vcolor >= 0, color_w[c_i], 1.0)
        self.vweight_sales = vw
        # evergreen pool: active products that existed before the period
        ever = (status == 0) & (created < self.d0)
        self.vever_w = vw * ever[vprod]

    # ---- suppliers ------------------------------------------------------------------------------
    def suppliers(self) -> None:
        rng = self.rng("suppliers")
        S = len(_SUPPLIERS)
        sid = [f"sup{i + 1:02d}" for i in range(S)]
        self.sid = pa.array(sid)
        self.s_terms = np.array([s[3] for s in _SUPPLIERS])
        self.s_cur = [s[2] for s in _SUPPLIERS]
        self.s_increase = rng.uniform(0.0, 0.05, S)  # yearly price increase each January 1st
        names = [s[0] for s in _SUPPLIERS]
        slug = [n.lower().split()[0].replace(".", "").replace("&", "and") for n in names]
        self.frames["suppliers"] = pa.table({
            "supplier_id": pa.array(sid), "name": pa.array(names),
            "email": pa.array([f"orders@{s}.example.com" for s in slug]),
            "phone": pa.array([f"+{_CALLING[s[1]]} {rng.integers(100, 999)} {rng.integers(100000, 999999)}"
                               for s in _SUPPLIERS]),
            "country_code": pa.array([s[1] for s in _SUPPLIERS]), "currency": pa.array(self.s_cur),
            "payment_terms_days": _int(self.s_terms), "lead_time_days": _int([s[4] for s in _SUPPLIERS]),
            "iban": pa.array([f"{s[1]}{rng.integers(10, 99)}{rng.integers(10**15, 10**16 - 1)}" if s[2] == "EUR"
                              else None for s in _SUPPLIERS]),
            "address": pa.array([f"{rng.integers(1, 200)} Industrial Road, {s[1]}" for s in _SUPPLIERS])})

        # primary supplier per product, from the suppliers of its type
        P = self.n_products
        psup = np.empty(P, np.int64)
        psup2 = np.full(P, -1)
        for t in range(len(_TYPES)):
            cands = np.array([i for i, s in enumerate(_SUPPLIERS) if t in s[5]])
            m = np.nonzero(self.ptype == t)[0]
            w = np.linspace(1.5, 0.7, len(cands))
            psup[m] = cands[_choice(rng, len(m), w)]
            if len(cands) > 1:
                alt = cands[rng.integers(0, len(cands), len(m))]
                second = (rng.random(len(m)) < 0.2) & (alt != psup[m])
                psup2[m[second]] = alt[second]
        self.psup = psup
        vprod = self.vprod
        V = len(vprod)
        fx = np.array([FX_PER_EUR[c] for c in self.s_cur])
        self.s_fx = fx
        vs = psup[vprod]
        # the primary supplier's price list today, in cents of the supplier's currency
        self.vsup_cost = np.round(self.vcost * fx[vs]).astype(np.int64)
        moq = np.array([1, 6, 12, 24, 50])[rng.integers(0, 5, P)]
        prim = pa.table({
            "supplier_id": self.sid.take(pa.array(vs)), "variant_id": self.vid,
            "supplier_sku": _cat(self.sid.take(pa.array(vs)), "-", _num(np.arange(V) + 10001)),
            "unit_cost": _money(self.vsup_cost),
            "currency": _pick(self.s_cur, vs),
            "lead_time_days": _int(self.frames["suppliers"]["lead_time_days"].to_numpy()[vs] + rng.integers(-2, 5, V)
                                   .clip(min=0)),
            "min_order_qty": _int(moq[vprod]), "is_primary": pa.array(np.ones(V, bool))})
        sv = np.nonzero(psup2[vprod] >= 0)[0]
        s2 = psup2[vprod][sv]
        c2 = np.round(self.vcost[sv] * rng.uniform(1.05, 1.15, P)[vprod[sv]] * fx[s2]).astype(np.int64)
        sec = pa.table({
            "supplier_id": self.sid.take(pa.array(s2)), "variant_id": self.vid.take(pa.array(sv)),
            "supplier_sku": _cat(self.sid.take(pa.array(s2)), "-", _num(sv + 50001)),
            "unit_cost": _money(c2), "currency": _pick(self.s_cur, s2),
            "lead_time_days": _int(self.frames["suppliers"]["lead_time_days"].to_numpy()[s2]),
            "min_order_qty": _int(moq[vprod[sv]]), "is_primary": pa.array(np.zeros(len(sv), bool))})
        self.frames["supplier_products"] = pa.concat_tables([prim, sec])

    # ---- customers ------------------------------------------------------------------------------
    def customers(self) -> None:
        rng = self.rng("customers")
        C = max(3, round(self.n_orders / 3))
        self.n_customers = C
        cshare = np.array([c[1] for c in _COUNTRIES])
        country = _choice(rng, C, cshare)
        first = rng.integers(0, len(_FIRST), C)
        last = rng.integers(0, len(_LAST), C)
        self.c_country, self.c_first, self.c_last = country, first, last
        city_i = rng.integers(0, 100, C)
        city = np.empty(C, object)
        zips = np.empty(C, object)
        for k, c in enumerate(_COUNTRIES):
            m = country == k
            n = int(m.sum())
            if not n:
                continue
            cities = c[6]
            ci = city_i[m] % len(cities)
            city[m] = np.array(cities, object)[ci]
            if c[0] == "GB":
                zips[m] = np.array(_GB_ZIPS, object)[ci % len(_GB_ZIPS)]
            elif c[0] == "NL":
                zips[m] = np.char.add(rng.integers(1000, 9999, n).astype(str), " AB").astype(object)
            else:
                lo = 10 ** (c[5] - 1)
                zips[m] = np.char.zfill(rng.integers(lo if c[0] != "DE" else 1067, 10 ** c[5], n).astype(str),
                                        c[5]).astype(object)
        us = country == [c[0] for c in _COUNTRIES].index("US")
        self.c_province = np.where(us, np.array(_US_STATES, object)[city_i % len(_US_STATES)], None)
        fa = _pick([f[1] for f in _FIRST], first)
        la = _pick([x[1] for x in _LAST], last)
        domain = rng.integers(0, len(_MAIL_DOMAINS), C)
        # a per-customer number keeps emails unique
        email = _cat(fa, ".", la, _num(np.arange(C) + 1), "@", _pick(_MAIL_DOMAINS, domain))
        has_phone = rng.random(C) < 0.6
        phone = _cat(_pick([c[7] for c in _COUNTRIES], country), " ", _num(rng.integers(150, 180, C)), " ",
                     _num(rng.integers(1_000_000, 99_999_999, C)))
        self.c_email = email
        self.c_cols = dict(
            email=email, first_name=_pick([f[0] for f in _FIRST], first),
            last_name=_pick([x[0] for x in _LAST], last), phone=_valid(phone, has_phone),
            address1=_cat(_pick(_STREETS, rng.integers(0, len(_STREETS), C)), " ", _num(rng.integers(1, 180, C))),
            city=pa.array(city, pa.string()), province_code=pa.array(self.c_province, pa.string()),
            country_code=_pick([c[0] for c in _COUNTRIES], country), zip=pa.array(zips, pa.string()))
        self.c_marketing = rng.random(C) < 0.45

    # ---- orders ---------------------------------------------------------------------------------
    def orders(self) -> None:
        rng = self.rng("orders")
        N, D = self.n_orders, self.days
        day = np.arange(self.d0, self.d_end)
        dates = day.astype("datetime64[D]")
        years = dates.astype("datetime64[Y]").astype(int) + 1970
        doy = (dates - dates.astype("datetime64[Y]")).astype(int)
        month = dates.astype("datetime64[M]").astype(int) % 12 + 1
        dom = (dates - dates.astype("datetime64[M]")).astype(int) + 1
        wd = _weekday(day)
        season = 1 + 0.22 * np.cos(2 * np.pi * (doy - 335) / 365.25)
        season *= np.where((month == 7) | (month == 8), 0.82, 1.0)
        season *= np.where((month == 12) & (dom <= 18), 1.35, 1.0)
        season *= np.where((month == 12) & (dom >= 24) & (dom <= 26), 0.5, 1.0)
        bf_weight = np.ones(D)
        self.bf_windows = []
        for y in range(int(years.min()), int(years.max()) + 1):
            bf = (_black_friday(y) - _EPOCH).days
            self.bf_windows.append((bf - 3, bf + 4))  # Tuesday before .. Cyber Monday
            rel = day - bf
            bf_weight *= np.where((rel >= -7) & (rel < -3), 1.4, 1.0)
            bf_weight *= np.where((rel >= -3) & (rel < 0), 1.7, 1.0)
            bf_weight *= np.where(rel == 0, 3.2, 1.0)
            bf_weight *= np.where((rel >= 1) & (rel <= 3), 2.3, 1.0)
        weekday_w = np.array([1.10, 1.02, 1.00, 0.97, 0.88, 0.85, 1.15])[wd]
        trend = 1 + 0.25 * np.arange(D) / 365.25
        noise = rng.lognormal(0, 0.08, D)
        lam = season * bf_weight * weekday_w * trend * noise
        self.day_weight = lam / lam.sum()
        per_day = rng.multinomial(N, self.day_weight)
        oday = np.repeat(day, per_day)  # local day of each order (sorted)

        # channel
        channel = _choice(rng, N, [0.70, 0.09, 0.07, 0.14])  # online_store, facebook, instagram, pos
        channel = np.where((channel == 3) & (_weekday(oday) == 6), 0, channel)  # shop closed on Sundays
        # local time of day
        hour_w = np.array([1.2, 0.7, 0.4, 0.3, 0.3, 0.5, 1.0, 2.0, 3.0, 3.6, 4.0, 4.3, 4.8, 4.6, 4.2, 4.1,
                           4.2, 4.5, 5.0, 5.8, 6.4, 6.2, 4.6, 2.6])
        hour = _choice(rng, N, hour_w)
        pos_hours = rng.integers(10, 19, N)
        hour = np.where(channel == 3, pos_hours, hour)
        local = oday * _US_DAY + hour * _US_H + rng.integers(0, _US_H, N)
        order = np.lexsort((local,))  # sort by local time within the day (days already sorted)
        local, channel, oday = local[order], channel[order], oday[order]
        self.o_local, self.o_channel, self.o_day = local, channel, oday
        self.o_utc = _local_to_utc(local)
        self.o_test = np.zeros(N, bool)
        web = np.nonzero(channel != 3)[0]
        self.o_test[rng.choice(web, min(len(web), max(3, N // 1000)), replace=False)] = True

        # customers: guests are POS-only; ~10% of customers never ordered; ~30% order repeatedly
        C = self.n_customers
        guest = (channel == 3) & (rng.random(N) < 0.5)
        n_cust_orders = int((~guest).sum())
        perm = rng.permutation(C)
        n_ord_c = min(C - int(C * 0.10), n_cust_orders)
        n_rep = min(int(round(C * 0.30)), n_ord_c, n_cust_orders - n_ord_c)
        counts = np.zeros(C, np.int64)
        ordering = perm[:n_ord_c]
        counts[ordering] = 1
        rep = ordering[:n_rep]
        counts[rep] += 1
        extra = n_cust_orders - int(counts.sum())
        if extra > 0:
            w = np.minimum(rng.lognormal(0, 0.9, n_rep), 6.0) if n_rep else np.ones(n_ord_c)
            tgt = rep if n_rep else ordering
            counts[tgt] += rng.multinomial(extra, w / w.sum())
        cust_seq = np.repeat(np.arange(C), counts)
        rng.shuffle(cust_seq)
        ocust = np.full(N, -1)
        ocust[~guest] = cust_seq
        self.o_cust = ocust
        self.c_counts = counts
        # first order per customer (orders are sorted by time)
        has = ocust >= 0
        uniq, first_idx = np.unique(ocust[has], return_index=True)
        first_order = np.nonzero(has)[0][first_idx]
        self.o_first = np.zeros(N, bool)
        self.o_first[first_order] = True
        c_first_us = np.full(C, -1, np.int64)
        c_first_us[uniq] = self.o_utc[first_order]
        self.c_first_us = c_first_us

        # countries (POS and guests in DE)
        ccode = [c[0] for c in _COUNTRIES]
        self.o_country = np.where(has, self.c_country[np.maximum(ocust, 0)], 0)
        self.o_country = np.where(channel == 3, ccode.index("DE"), self.o_country)

        # cancellation, payment plan
        self.o_cancel = (rng.random(N) < 0.015) & ~self.o_test
        gw = _choice(rng, N, [0.55, 0.25, 0.12, 0.08])  # card, paypal, klarna, bank transfer
        gw = np.where(channel == 3, np.where(rng.random(N) < 0.7, 4, 5), gw)  # card present, cash
        gw = np.where(self.o_test, 6, gw)  # bogus
        self.o_gateway = gw
        recent = local > self.end_local - 10 * _US_DAY
        bank = gw == 3
        self.o_pending = ~self.o_cancel & bank & (recent | (rng.random(N) < 0.08))
        self.o_paid_delay = np.where(bank, rng.integers(1, 5, N) * _US_DAY + rng.integers(0, 8 * _US_H, N), 0)
        self.o_pending |= ~self.o_cancel & bank & (local + self.o_paid_delay >= self.end_local)

    # ---- lines ----------------------------------------------------------------------------------
    def lines(self) -> None:
        rng = self.rng("lines")
        N = self.n_orders
        n_lines = 1 + _choice(rng, N, [0.55, 0.28, 0.12, 0.05])
        lorder, lpos, lstart = _group_pos(n_lines)
        L = len(lorder)
        self.n_lines, self.l_order, self.l_pos, self.l_start = n_lines, lorder, lpos, lstart
        w = self.vweight_sales
        var = _choice(rng, L, w)
        # availability: launched products only after launch, archived only before archiving
        vprod = self.vprod
        lday = self.o_day[lorder]
        bad = (self.pcreated[vprod[var]] > lday) | (self.parchived[vprod[var]] <= lday)
        if bad.any():
            var[bad] = _choice(rng, int(bad.sum()), self.vever_w)
        qty = 1 + _choice(rng, L, [0.86, 0.10, 0.03, 0.007, 0.003])
        qty = np.where(self.ptype[vprod[var]] == 10, qty + rng.integers(0, 3, L), qty)  # stickers in multiples
        price = self.vprice[var]
        gross = price * qty
        self.l_var, self.l_qty, self.l_price, self.l_gross = var, qty, price, gross

        o_gross = np.add.reduceat(gross, lstart)
        # discount codes (order-level), by priority
        days = self.o_day
        dates = days.astype("datetime64[D]")
        month = dates.astype("datetime64[M]").astype(int) % 12 + 1
        dom = (dates - dates.astype("datetime64[M]")).astype(int) + 1
        u = rng.random(N)
        online = self.o_channel != 3
        in_bf = np.zeros(N, bool)
        for a, b in self.bf_windows:
            in_bf |= (days >= a) & (days < b)
        code = np.full(N, -1)
        codes = ["WELCOME10", "BLACKFRIDAY25", "XMAS20", "SUMMER15", "NEWSLETTER5", "FREESHIP"]
        pct = np.array([10, 25, 20, 15, 0, 0])
        code = np.where(online & in_bf & (u < 0.45), 1, code)
        code = np.where(online & (code < 0) & (month == 12) & (dom <= 18) & (u < 0.20), 2, code)
        code = np.where(online & (code < 0) & (((month == 7) | ((month == 8) & (dom <= 15)))) & (u < 0.20), 3, code)
        u2 = rng.random(N)
        code = np.where(online & (code < 0) & self.o_first & (u2 < 0.30), 0, code)
        code = np.where(online & (code < 0) & (o_gross >= 4000) & (u2 > 0.95), 4, code)
        code = np.where(online & (code < 0) & (u2 > 0.93) & (u2 <= 0.95), 5, code)
        self.o_code = code
        self.code_labels = codes
        disc = np.where(code >= 0, (o_gross * pct[np.maximum(code, 0)] + 50) // 100, 0)
        disc = np.where(code == 4, np.minimum(500, o_gross), disc)
        # spread over lines in proportion to gross, remainder on the first line
        share = (disc[lorder] * gross) // np.maximum(o_gross[lorder], 1)
        rem = disc - np.add.reduceat(share, lstart)
        share[lstart] += rem
        self.l_disc = share
        net = gross - share
        ctry = self.o_country[lorder]
        vat = np.array([c[2] for c in _COUNTRIES])[ctry]
        tax = (net * vat + 5000) // 10000
        self.l_tax = tax
        self.o_gross = o_gross
        self.o_disc = disc
        self.o_net = o_gross - disc
        self.o_tax = np.add.reduceat(tax, lstart)
        ship_fee = np.array([c[3] for c in _COUNTRIES])[self.o_country]
        free_from = np.array([c[4] for c in _COUNTRIES])[self.o_country]
        ship = np.where((free_from > 0) & (self.o_net >= free_from), 0, ship_fee)
        ship = np.where(self.o_channel == 3, 0, ship)
        self.o_ship = ship
        self.o_ship_disc = np.where(code == 5, ship, 0)
        self.o_total = self.o_net + ship - self.o_ship_disc + self.o_tax
        # cost snapshot: the primary supplier's price list in its own currency, minus its yearly
        # increases for earlier years (what we owe it); unit_cost is that converted to EUR
        sup = self.psup[vprod[var]]
        year = (self.o_day[lorder].astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970)
        last_year = (np.datetime64(self.d_end - 1, "D").astype("datetime64[Y]").astype(int) + 1970)
        factor = (1 + self.s_increase[sup]) ** (year - last_year).astype(float)
        self.l_sup_cost = np.round(self.vsup_cost[var] * factor).astype(np.int64)
        self.l_cost = np.round(self.l_sup_cost / self.s_fx[sup]).astype(np.int64)
        self.l_sup = sup

    # ---- payments -------------------------------------------------------------------------------
    def payments(self) -> None:
        rng = self.rng("payments")
        N = self.n_orders
        oid = _ids("o", np.arange(1, N + 1), 7)
        self.oid = oid
        gw_names = ["shopify_payments", "paypal", "klarna", "manual", "shopify_payments", "cash", "bogus"]
        pm_names = ["credit_card", "paypal", "klarna", "bank_transfer", "card_present", "cash", "bogus"]
        total = self.o_total
        t0 = self.o_utc
        # failures before a successful card payment
        card = np.isin(self.o_gateway, [0, 4])
        fail = card & (rng.random(N) < 0.045) & ~self.o_cancel
        errs = ["card_declined", "insufficient_funds", "expired_card", "incorrect_cvc"]
        err = _choice(rng, N, [0.6, 0.25, 0.1, 0.05])
        msgs = ["Your card was declined.", "Your card has insufficient funds.", "Your card has expired.",
                "Your card's security code is incorrect."]
        paid = ~self.o_cancel & ~self.o_pending
        parts = []

        def tx(mask, kind, status, at, amount, error=None):
            idx = np.nonzero(mask)[0]
            parts.append((idx, kind, status, at[idx], amount[idx], None if error is None else error[idx]))

        tx(fail, "sale", "failure", t0 - rng.integers(30, 600, N) * 1_000_000, total, err)
        tx(paid, "sale", "success", t0 + self.o_paid_delay, total)
        tx(self.o_pending, "sale", "pending", t0, total)
        tx(self.o_cancel, "authorization", "success", t0, total)
        cancel_at = t0 + rng.integers(10 * _US_MIN, 48 * _US_H, N)
        cancel_at = np.minimum(cancel_at, _local_to_utc(np.array([self.end_local]))[0] - 1)
        cancel_at = np.maximum(cancel_at, t0 + 1)
        self.o_cancel_at = cancel_at
        tx(self.o_cancel, "void", "success", cancel_at, total)
        self._tx_parts = parts
        self._gw_names, self._pm_names, self._errs, self._msgs = gw_names, pm_names, errs, msgs

    def _transactions_table(self, refund_idx, refund_at, refund_amount) -> pa.Table:
        parts = list(self._tx_parts)
        parts.append((refund_idx, "refund", "success", refund_at, refund_amount, None))
        oi = np.concatenate([p[0] for p in parts])
        at = np.concatenate([p[3] for p in parts])
        amt = np.concatenate([p[4] for p in parts])
        kinds = ["authorization", "capture", "sale", "refund", "void"]
        statuses = ["pending", "success", "failure", "error"]
        kind = np.concatenate([np.full(len(p[0]), kinds.index(p[1])) for p in parts])
        status = np.concatenate([np.full(len(p[0]), statuses.index(p[2])) for p in parts])
        err = np.concatenate([p[5] if p[5] is not None else np.full(len(p[0]), -1) for p in parts])
        o = np.lexsort((kind, at))
        oi, at, amt, kind, status, err = oi[o], at[o], amt[o], kind[o], status[o], err[o]
        T = len(oi)
        gw = self.o_gateway[oi]
        return pa.table({
            "transaction_id": _ids("t", np.arange(1, T + 1), 8), "order_id": self.oid.take(pa.array(oi)),
            "created_at": _ts(at), "kind": _pick(kinds, kind), "status": _pick(statuses, status),
            "gateway": _pick(self._gw_names, gw), "payment_method": _pick(self._pm_names, gw),
            "amount": _money(amt), "currency": _const("EUR", T),
            "error_code": _valid(_pick(self._errs, np.maximum(err, 0)), err >= 0),
            "message": _valid(_pick(self._msgs, np.maximum(err, 0)), err >= 0)})

    # ---- fulfilment -----------------------------------------------------------------------------
    def fulfilment(self) -> None:
        rng = self.rng("fulfilment")
        N = self.n_orders
        local, day = self.o_local, self.o_day
        pos = self.o_channel == 3
        target = _busday(day, 2)
        self.o_shipby_local = local + (target - day) * _US_DAY
        eligible = ~self.o_cancel & ~self.o_pending & ~self.o_test
        # bank transfers ship once paid
        ready = local + self.o_paid_delay
        rday = ready // _US_DAY
        delay = _choice(rng, N, [0.56, 0.33, 0.06, 0.03, 0.015, 0.005])
        sday = _busday(rday, delay)
        stime = rng.integers(8 * _US_H, 18 * _US_H, N)
        ship_local = sday * _US_DAY + stime
        again = ship_local <= ready + 30 * _US_MIN
        sday = np.where(again, _busday(sday, 1), sday)
        ship_local = np.where(again, sday * _US_DAY + stime, ship_local)
        ship_local = np.maximum(ship_local, ready + 30 * _US_MIN)
        ship_local = np.where(pos, local + rng.integers(1, 5, N) * _US_MIN, ship_local)
        # partial fulfilment: some multi-line orders ship in two parts
        split = eligible & ~pos & (self.n_lines >= 2) & (rng.random(N) < 0.04)
        k = np.where(split, 1 + (rng.random(N) * (self.n_lines - 1)).astype(np.int64), self.n_lines)
        # the rest follows 3-14 days later, or 20-120 days later when waiting for a restock
        second_local = ship_local + np.where(rng.random(N) < 0.25, rng.integers(20, 121, N),
                                             rng.integers(3, 15, N)) * _US_DAY
        # line-level shipment time
        lo = self.l_order
        first_part = self.l_pos < k[lo]
        l_ship_local = np.where(first_part, ship_local[lo], second_local[lo])
        l_shipped = eligible[lo] & (l_ship_local < self.end_local)
        # shipments: (order, part) with at least one shipped line
        part = (~first_part).astype(np.int64)
        key = lo * 2 + part
        sk = np.unique(key[l_shipped])
        s_order, s_part = sk // 2, sk % 2
        S = len(sk)
        s_local = np.where(s_part == 0, ship_local[s_order], second_local[s_order])
        s_pos = pos[s_order]
        ctry = self.o_country[s_order]
        de = ctry == 0
        carrier = np.where(de, _choice(rng, S, [0.5, 0.2, 0.1, 0.2]), _choice(rng, S, [0.55, 0.0, 0.45, 0.0]))
        carriers = ["DHL", "DPD", "UPS", "Hermes"]
        transit = np.where(de, rng.integers(1, 4, S), np.where(np.isin(ctry, [2, 5, 6, 13]),
                                                                 rng.integers(3, 8, S), rng.integers(2, 6, S)))
        deliv_local = s_local + transit * _US_DAY + rng.integers(-4 * _US_H, 4 * _US_H, S)
        deliv_local = np.maximum(deliv_local, s_local + 6 * _US_H)
        deliv_local = np.where(s_pos, s_local, deliv_local)
        fail = ~s_pos & (rng.random(S) < 0.006)
        returned = fail & (rng.random(S) < 0.5)
        delivered = ~fail & (deliv_local < self.end_local)
        status = np.where(delivered, 3, np.where(fail, np.where(returned, 5, 4),
                                                 np.where(deliv_local - _US_DAY < self.end_local, 2, 1)))
        status = np.where(~delivered & ~fail & (s_local + 12 * _US_H >= self.end_local), 0, status)
        statuses = ["label_printed", "in_transit", "out_for_delivery", "delivered", "failure", "returned"]
        provider = np.where(s_pos, 3, _choice(rng, S, [0.6, 0.25, 0.15]))
        digits = rng.integers(10**13, 10**14, S)
        trk = pc.if_else(pa.array(carrier == 2), _cat("1Z", _num(rng.integers(100000, 999999, S)), "68",
                                                      _num(rng.integers(10**7, 10**8, S))),
                         _cat(_pick(["0034", "0", "", "H"], carrier), _num(digits)))
        weight = np.bincount(np.searchsorted(sk, key[l_shipped]), weights=self.vweight[self.l_var[l_shipped]] * self.l_qty[l_shipped], minlength=S)
        base_cost = np.where(de, 450, 1190) + np.where(carrier == 2, 180, 0)
        s_cost = np.where(s_pos, 0, base_cost + (weight // 1000).astype(np.int64) * 120 + rng.integers(0, 60, S))
        services = np.where(s_pos, "in_store", np.where(de, "standard", "international"))
        self.s_order, self.s_local, self.s_deliv_local, self.s_delivered = s_order, s_local, deliv_local, delivered
        shid = _ids("s", np.arange(1, S + 1), 7)
        self.frames["shipments"] = pa.table({
            "shipment_id": shid, "order_id": self.oid.take(pa.array(s_order)),
            "created_at": _ts(_local_to_utc(s_local)),
            "carrier": _valid(_pick(carriers, carrier), ~s_pos), "service": pa.array(services),
            "tracking_number": _valid(trk, ~s_pos),
            "status": _pick(statuses, status),
            "delivered_at": _ts(_local_to_utc(deliv_local), delivered),
            "shipping_cost": _money(s_cost),
            "provider": _pick(["shipstation", "shipwire", "manual", "pos"], provider)})
        li = np.nonzero(l_shipped)[0]
        s_of_line = np.searchsorted(sk, key[li])
        self.frames["shipment_lines"] = pa.table({
            "shipment_id": shid.take(pa.array(s_of_line)), "line_id": _ids("l", li + 1, 8),
            "quantity": _int(self.l_qty[li])})
        self.l_shipped = l_shipped
        self.l_ship_local = l_ship_local
        n_shipped = np.bincount(lo[l_shipped], minlength=N)
        self.o_fulfil = np.where(n_shipped == 0, 0, np.where(n_shipped == self.n_lines, 2, 1))
        self.o_first_ship_local = np.where(n_shipped > 0, ship_local, -1)
        self.o_deliv_local = np.full(N, -1, np.int64)
        first_s = s_part == 0
        self.o_deliv_local[s_order[first_s & delivered]] = deliv_local[first_s & delivered]

    # ---- refunds --------------------------------------------------------------------------------
    def refunds(self) -> None:
        rng = self.rng("refunds")
        N = self.n_orders
        cand = (self.o_fulfil == 2) & ~self.o_test & (rng.random(N) < 0.068)
        at_local = np.maximum(self.o_local + rng.integers(3, 31, N) * _US_DAY + rng.integers(0, 8 * _US_H, N),
                              self.o_first_ship_local + _US_DAY)
        has = cand & (at_local < self.end_local)
        ri = np.nonzero(has)[0]
        R = len(ri)
        full = rng.random(R) < 0.4
        nl = self.n_lines[ri]
        pick = (rng.random(R) * nl).astype(np.int64)
        # lines: all lines of full refunds, one line of partial refunds
        rl_count = np.where(full, nl, 1)
        r_of, r_pos, r_starts = _group_pos(rl_count)
        line = self.l_start[ri[r_of]] + np.where(full[r_of], r_pos, pick[r_of])
        q = self.l_qty[line]
        rq = np.where(full[r_of], q, 1 + (rng.random(len(line)) * q).astype(np.int64))
        whole = rq == q
        lnet = self.l_gross[line] - self.l_disc[line]
        amount = np.where(whole, lnet, lnet * rq // q)
        rtax = np.where(whole, self.l_tax[line], self.l_tax[line] * rq // q)
        sum_amt = np.add.reduceat(amount, r_starts) if R else np.zeros(0, np.int64)
        sum_tax = np.add.reduceat(rtax, r_starts) if R else np.zeros(0, np.int64)
        all_units = np.add.reduceat(rq, r_starts) if R else np.zeros(0, np.int64)
        order_units = np.add.reduceat(self.l_qty, self.l_start)[ri]
        everything = all_units == order_units
        r_ship = np.where(full, self.o_ship[ri] - self.o_ship_disc[ri], 0)
        r_total = sum_amt + sum_tax + r_ship
        reason = _choice(rng, R, [0.25, 0.2, 0.25, 0.1, 0.12, 0.08])
        reason = np.where(~np.isin(self.ptype[self.vprod[self.l_var[self.l_start[ri]]]], _APPAREL) & (reason < 2),
                          2, reason)
        rid = _ids("r", np.arange(1, R + 1), 6)
        r_utc = _local_to_utc(at_local[ri])
        self.frames["refunds"] = pa.table({
            "refund_id": rid, "order_id": self.oid.take(pa.array(ri)), "created_at": _ts(r_utc),
            "shipping_amount": _money(r_ship), "tax_amount": _money(sum_tax),
            "reason": _pick(_REFUND_REASONS, reason),
            "note": _valid(_const("Customer returned the parcel", R), full)})
        self.frames["refund_lines"] = pa.table({
            "refund_id": rid.take(pa.array(r_of)), "line_id": _ids("l", line + 1, 8), "quantity": _int(rq),
            "amount": _money(amount), "restock": pa.array(reason[r_of] != 3)})
        fin = np.full(N, 2)  # paid
        fin = np.where(self.o_pending, 0, fin)
        fin = np.where(self.o_cancel, 6, fin)
        fin[ri] = np.where(everything, 5, 4)
        self.o_fin = fin
        self.r_orders, self.r_utc, self.r_total = ri, r_utc + rng.integers(1, 120, R) * 1_000_000, r_total

    # ---- suppliers' bills and payments -----------------------------------------------------------
    def supplier_payments(self) -> None:
        rng = self.rng("supplier payments")
        S = len(_SUPPLIERS)
        li = np.nonzero(self.l_shipped)[0]
        sup = self.l_sup[li]
        owed = self.l_sup_cost[li] * self.l_qty[li]  # in cents of the supplier's currency
        due = self.l_ship_local[li] // _US_DAY + self.s_terms[sup]
        # payment days: the 25th of each month in the period (moved back to Friday on weekends)
        months = np.arange(np.datetime64(self.start, "M"), np.datetime64(self.d_end - 1, "D").astype("datetime64[M]")
                           + 1)
        pays = (months.astype("datetime64[D]") + 24).astype(np.int64)
        pays = _busday(pays, 0, roll="backward")
        pays = pays[(pays >= self.d0) & (pays < self.d_end)]
        # coverage: most is paid, not all (oldest bills stay open)
        coverage = rng.uniform(0.965, 0.995, S)
        volume = np.bincount(sup, weights=self.l_cost[li] * self.l_qty[li], minlength=S)  # ranked in EUR
        top = np.argsort(-volume, kind="stable")
        stop = np.full(S, self.d_end + 1)
        stop[top[0]] = self.d_end - 1 - 50   # payments stopped 50 days before the end
        stop[top[1]] = self.d_end - 1 - 100  # ... and 100 days before the end
        rows_s, rows_d, rows_a = [], [], []
        order = np.lexsort((due, sup))
        sup_s, due_s, owed_s = sup[order], due[order], owed[order]
        cum = np.cumsum(owed_s)
        for s in range(S):
            lo, hi = np.searchsorted(sup_s, s), np.searchsorted(sup_s, s, side="right")
            if lo == hi:
                continue
            base = cum[lo - 1] if lo else 0
            paid = 0
            for d in pays:
                if d > stop[s]:
                    break
                k = np.searchsorted(due_s[lo:hi], d, side="right")
                due_sum = (cum[lo + k - 1] - base) if k else 0
                target = int(due_sum * coverage[s]) // 100 * 100
                if target > paid:
                    rows_s.append(s)
                    rows_d.append(d)
                    rows_a.append(target - paid)
                    paid = target
        P = len(rows_s)
        rs, rd = np.array(rows_s, np.int64), np.array(rows_d, np.int64)
        ym = rd.astype("datetime64[D]").astype("datetime64[M]").astype(str)
        self.frames["supplier_payments"] = pa.table({
            "payment_id": _ids("pay", np.arange(1, P + 1), 5), "supplier_id": self.sid.take(pa.array(rs)),
            "paid_at": _date(rd), "amount": _money(np.array(rows_a, np.int64)),
            "currency": _pick(self.s_cur, rs),
            "reference": _cat("Bills due by ", pa.array(rd.astype("datetime64[D]").astype(str)), " / ",
                              self.sid.take(pa.array(rs)), " / ", pa.array(ym)),
            "method": _pick(["sepa_transfer", "swift"], np.array([self.s_cur[s] != "EUR" for s in rows_s], int))})

    # ---- marketing: campaigns, UTMs, ad stats, sessions -------------------------------------------
    def marketing(self) -> None:
        rng = self.rng("marketing")
        N = self.n_orders
        # campaigns: (platform, name, first day, last day, weight)
        camps = [("facebook", "always-on-prospecting", self.d0, self.d_end - 1, 1.0),
                 ("instagram", "always-on-retargeting", self.d0, self.d_end - 1, 1.0)]
        y0 = self.start.year
        y1 = (self.start + timedelta(days=self.days - 1)).year
        for y in range(y0, y1 + 1):
            bf = (_black_friday(y) - _EPOCH).days
            camps.append(("facebook", f"black-friday-{y}", bf - 14, bf + 3, 2.5))
            s0 = (date(y, 6, 20) - _EPOCH).days
            camps.append(("instagram", f"summer-sale-{y}", s0, s0 + 41, 2.0))
        camps = [c for c in camps if c[3] >= self.d0 and c[2] < self.d_end]
        K = len(camps)
        cid = [f"1202{4100000 + 1731 * i:07d}{i:04d}" for i in range(K)]
        cname = [c[1] for c in camps]
        plat = np.array([0 if c[0] == "facebook" else 1 for c in camps])
        D = self.days
        dayi = np.arange(self.d0, self.d_end)
        active = np.stack([np.where((dayi >= c[2]) & (dayi <= c[3]), c[4], 0.0) for c in camps], axis=1)
        # assign facebook/instagram orders to a running campaign of their platform
        ch = self.o_channel
        social = (ch == 1) | (ch == 2)
        oi = np.nonzero(social)[0]
        w = active[self.o_day[oi] - self.d0] * (plat[None, :] == (ch[oi] - 1)[:, None])
        cw = np.cumsum(w, axis=1)
        u = rng.random(len(oi)) * cw[:, -1]
        camp = (cw < u[:, None]).sum(axis=1)
        o_camp = np.full(N, -1)
        o_camp[oi] = camp
        # other UTMs on the online store: newsletter and google
        other = np.where((ch == 0) & (rng.random(N) < 0.08), 0, -1)
        other = np.where((ch == 0) & (other < 0) & (rng.random(N) < 0.06), 1, other)
        ym = self.o_day.astype("datetime64[D]").astype("datetime64[M]").astype(str)
        src = pc.if_else(pa.array(social), _pick(["facebook", "instagram"], np.clip(ch - 1, 0, 1)),
                         _valid(_pick(["newsletter", "google"], np.maximum(other, 0)), other >= 0))
        med = pc.if_else(pa.array(social), pa.scalar("paid_social"),
                         _valid(_pick(["email", "organic"], np.maximum(other, 0)), other >= 0))
        campaign = pc.if_else(pa.array(social), _pick(cname, np.maximum(o_camp, 0)),
                              _valid(_cat("newsletter-", pa.array(ym)), other == 0))
        content = _valid(_pick(cid, np.maximum(o_camp, 0)), social)
        self.o_utm = dict(utm_source=src, utm_medium=med, utm_campaign=campaign, utm_content=content)
        land = pc.if_else(pa.array(social), _cat("/products/", self.handles.take(
            pa.array(self.vprod[self.l_var[self.l_start]])), "?utm_source=", src, "&utm_medium=paid_social&utm_campaign=",
            campaign), _valid(_const("/", N), ch == 0))
        self.o_landing = _valid(land, ch != 3)
        ref = np.where(social, ch - 1, np.where(other == 1, 2, np.where((ch == 0) & (rng.random(N) < 0.3), 3, -1)))
        self.o_referrer = _valid(_pick(["https://l.facebook.com/", "https://l.instagram.com/",
                                        "https://www.google.com/", "https://duckduckgo.com/"], np.maximum(ref, 0)),
                                 ref >= 0)

        # ad stats: daily rows per running campaign
        ok = ~self.o_test & ~self.o_cancel
        a_o = np.nonzero(social & ok)[0]
        rev = np.zeros((D, K))
        cnt = np.zeros((D, K))
        np.add.at(rev, (self.o_day[a_o] - self.d0, o_camp[a_o]), self.o_net[a_o])
        np.add.at(cnt, (self.o_day[a_o] - self.d0, o_camp[a_o]), 1)
        di, ki = np.nonzero(active > 0)
        A = len(di)
        roas = rng.uniform(2.2, 4.0, K)
        days_on = np.maximum((active > 0).sum(axis=0), 1)
        avg_rev = rev.sum(axis=0) / days_on
        expected = avg_rev[ki] * (self.day_weight[di] * D)  # follows the shop's seasonality
        spend = np.round(expected / roas[ki] * rng.lognormal(0, 0.15, A)).astype(np.int64) + rng.integers(500, 1500, A)
        cpm = rng.uniform(6.0, 11.0, A)
        impressions = np.round(spend / 100 / cpm * 1000).astype(np.int64)
        clicks = rng.binomial(impressions, rng.uniform(0.008, 0.016, A))
        purchases = np.round(cnt[di, ki] * rng.uniform(1.1, 1.6, A)).astype(np.int64) + rng.poisson(0.3, A)
        aov = np.where(cnt[di, ki] > 0, rev[di, ki] / np.maximum(cnt[di, ki], 1), 5500)
        pvalue = np.round(purchases * aov * rng.uniform(0.95, 1.1, A)).astype(np.int64)
        self.frames["ad_stats"] = pa.table({
            "date": _date(dayi[di]), "platform": _pick(["facebook", "instagram"], plat[ki]),
            "campaign_id": _pick(cid, ki), "campaign_name": _pick(cname, ki), "spend": _money(spend),
            "currency": _const("EUR", A), "impressions": _int(impressions), "clicks": _int(clicks),
            "purchases": _int(purchases), "purchase_value": _money(pvalue)})

        # sessions per day and device; converted = that day's non-test online-store orders
        web = (ch == 0) & ~self.o_test
        conv_day = np.bincount(self.o_day[web] - self.d0, minlength=D)
        devices = ["desktop", "mobile", "tablet"]
        dshare = np.array([0.31, 0.62, 0.07])
        cr = np.array([0.030, 0.016, 0.022])
        conv = rng.multinomial(conv_day, dshare)
        expected_orders = self.day_weight * web.sum()
        base = expected_orders[:, None] * dshare[None, :] / cr[None, :] * rng.lognormal(0, 0.1, (D, 3))
        sess = np.maximum(rng.poisson(base), np.ceil(conv / 0.08).astype(np.int64))
        reach = conv + rng.binomial(sess - conv, 0.012)
        cart = reach + rng.binomial(sess - reach, 0.05)
        self.frames["sessions"] = pa.table({
            "date": _date(np.repeat(dayi, 3)), "device": _pick(devices, np.tile(np.arange(3), D)),
            "sessions": _int(sess.ravel()), "added_to_cart": _int(cart.ravel()),
            "reached_checkout": _int(reach.ravel()), "converted": _int(conv.ravel())})

    # ---- reviews --------------------------------------------------------------------------------
    def reviews(self) -> None:
        rng = self.rng("reviews")
        N = self.n_orders
        d = self.o_deliv_local
        cand = (d >= 0) & ~self.o_test & (self.o_cust >= 0) & (rng.random(N) < 0.12)
        at = d + rng.integers(2, 21, N) * _US_DAY + rng.integers(0, 14 * _US_H, N)
        oi = np.nonzero(cand & (at < self.end_local))[0]
        R = len(oi)
        line = self.l_start[oi] + (rng.random(R) * self.n_lines[oi]).astype(np.int64)
        var = self.l_var[line]
        prod = self.vprod[var]
        rating = 5 - _choice(rng, R, [0.55, 0.25, 0.09, 0.05, 0.06])
        tpos = rng.integers(0, 100, R)
        titles = pa.concat_arrays([pa.array(_REVIEW_TITLES[r]) for r in range(1, 6)])
        t_off = np.cumsum([0] + [len(_REVIEW_TITLES[r]) for r in range(1, 5)])
        t_len = np.array([len(_REVIEW_TITLES[r]) for r in range(1, 6)])
        title = titles.take(pa.array(t_off[rating - 1] + tpos % t_len[rating - 1]))
        b_before = [b[0] for r in range(1, 6) for b in _REVIEW_BODIES[r]]
        b_after = [b[1] for r in range(1, 6) for b in _REVIEW_BODIES[r]]
        b_off = np.cumsum([0] + [len(_REVIEW_BODIES[r]) for r in range(1, 5)])
        b_len = np.array([len(_REVIEW_BODIES[r]) for r in range(1, 6)])
        bi = b_off[rating - 1] + tpos % b_len[rating - 1]
        body = _cat(_pick(b_before, bi), _pick([t[10] for t in _TYPES], self.ptype[prod]), _pick(b_after, bi))
        cust = self.o_cust[oi]
        author = _cat(_pick([f[0] for f in _FIRST], self.c_first[cust]), " ",
                      pc.utf8_slice_codeunits(_pick([x[0] for x in _LAST], self.c_last[cust]), 0, 1), ".")
        status = _choice(rng, R, [0.90, 0.06, 0.03, 0.01])
        o = np.argsort(at[oi], kind="stable")
        self.frames["reviews"] = pa.table({
            "review_id": _ids("rv", np.arange(1, R + 1), 6),
            "product_id": self.pid.take(pa.array(prod[o])), "variant_id": self.vid.take(pa.array(var[o])),
            "customer_id": self.cid.take(pa.array(cust[o])), "rating": _int(rating[o]),
            "title": title.take(pa.array(o)), "body": body.take(pa.array(o)), "author": author.take(pa.array(o)),
            "created_at": _ts(_local_to_utc(at[oi][o])),
            "status": _pick(["published", "pending", "hidden", "spam"], status[o]),
            "verified_buyer": pa.array(np.ones(R, bool)), "source": _const("judgeme", R)})

    # ---- assemble the order and customer tables --------------------------------------------------
    def tables(self) -> None:
        rng = self.rng("tables")
        N, C = self.n_orders, self.n_customers
        # customers: ids follow sign-up time
        first_us = self.c_first_us
        signup = np.where(first_us >= 0,
                          first_us - np.where(rng.random(C) < 0.7, rng.integers(1, 20 * 60, C) * 1_000_000,
                                              rng.integers(1, 200, C) * _US_DAY),
                          _local_to_utc(self.d0 * _US_DAY + rng.integers(0, self.days * _US_DAY, C)))
        order = np.argsort(signup, kind="stable")
        rank = np.empty(C, np.int64)
        rank[order] = np.arange(C)
        cid = _ids("c", rank + 1, 6)
        self.cid = cid
        cc = self.c_cols
        vip = self.c_counts >= 5
        tags = _cat(_valid(_const("vip", C), vip), _valid(_const("newsletter", C), self.c_marketing), sep=", ")
        cust = pa.table({
            "customer_id": cid, "email": cc["email"], "first_name": cc["first_name"], "last_name": cc["last_name"],
            "phone": cc["phone"], "accepts_email_marketing": pa.array(self.c_marketing),
            "accepts_sms_marketing": pa.array(self.c_marketing & (rng.random(C) < 0.25)),
            "company": _nulls(C), "address1": cc["address1"], "address2": _nulls(C), "city": cc["city"],
            "province_code": cc["province_code"], "country_code": cc["country_code"], "zip": cc["zip"],
            "tags": pc.if_else(pc.equal(tags, ""), pa.scalar(None, pa.string()), tags), "note": _nulls(C),
            "tax_exempt": pa.array(np.zeros(C, bool)), "created_at": _ts(signup),
            "source_id": _num(7_000_000_000_000 + rank * 19 + 5)})
        self.frames["customers"] = cust.take(pa.array(order))

        oc = self.o_cust
        has = oc >= 0
        ccodes = [c[0] for c in _COUNTRIES]
        channels = ["online_store", "facebook", "instagram", "pos"]
        self.frames["orders"] = pa.table({
            "order_id": self.oid, "order_number": _cat("#", _num(np.arange(N) + 1001)),
            "customer_id": _valid(cid.take(pa.array(np.maximum(oc, 0))), has),
            "email": _valid(self.c_email.take(pa.array(np.maximum(oc, 0))), has),
            "created_at": _ts(self.o_utc), "cancelled_at": _ts(self.o_cancel_at, self.o_cancel),
            "currency": _const("EUR", N), "channel": _pick(channels, self.o_channel),
            "financial_status": _pick(list(schema.FINANCIAL_STATUS), self.o_fin),
            "fulfillment_status": _pick(["unfulfilled", "partial", "fulfilled"], self.o_fulfil),
            "is_test": pa.array(self.o_test),
            "discount_code": _valid(_pick(self.code_labels, np.maximum(self.o_code, 0)), self.o_code >= 0),
            "shipping_price": _money(self.o_ship), "shipping_discount": _money(self.o_ship_disc),
            "total_tax": _money(self.o_tax), "total_duties": _money(np.zeros(N, np.int64)),
            "ship_by": _ts(_local_to_utc(self.o_shipby_local)),
            "shipping_country": _pick(ccodes, self.o_country),
            "shipping_province": pa.array(np.where(has, self.c_province[np.maximum(oc, 0)], None), pa.string()),
            **self.o_utm, "landing_site": self.o_landing, "referring_site": self.o_referrer})
        L = len(self.l_order)
        var = self.l_var
        self.frames["order_lines"] = pa.table({
            "line_id": _ids("l", np.arange(1, L + 1), 8), "order_id": self.oid.take(pa.array(self.l_order)),
            "product_id": self.pid.take(pa.array(self.vprod[var])), "variant_id": self.vid.take(pa.array(var)),
            "sku": self.vsku.take(pa.array(var)), "title": self.vtitle.take(pa.array(var)),
            "quantity": _int(self.l_qty), "price": _money(self.l_price), "discount_amount": _money(self.l_disc),
            "tax_amount": _money(self.l_tax), "unit_cost": _money(self.l_cost),
            "supplier_id": self.sid.take(pa.array(self.l_sup)), "gift_card": pa.array(np.zeros(L, bool)),
            "requires_shipping": pa.array(self.o_channel[self.l_order] != 3),
            "supplier_unit_cost": _money(self.l_sup_cost), "supplier_currency": _pick(self.s_cur, self.l_sup)})
        self.frames["transactions"] = self._transactions_table(self.r_orders, self.r_utc, self.r_total)
        self.frames["shop"] = pa.table({
            "shop_id": ["demo-outfitters"], "name": [SHOP_NAME], "currency": ["EUR"], "timezone": [TIMEZONE],
            "week_start": ["monday"], "country_code": ["DE"], "platform": ["shopify"], "domain": [DOMAIN]})


def _run(g: _Gen, bar) -> None:
    for step in (g.catalog, g.suppliers, g.customers, g.orders, g.lines, g.payments, g.fulfilment, g.refunds,
                 g.supplier_payments, g.marketing, g.tables, g.reviews):
        bar.set_postfix_str(step.__name__.replace("_", " "))
        step()
        bar.update(1)


_N_STEPS = 12


def default_start(days: int = 730, *, end: date | None = None) -> date:
    """First day of a demo of ``days`` days ending on ``end`` (default: yesterday in the shop's zone).

    So ``make demo`` gives a shop whose data runs up to yesterday and "last 30 days" reports are
    full; pass ``start`` (or ``workbench demo --end``) to reproduce one exact shop.
    """
    if end is None:
        from zoneinfo import ZoneInfo
        end = datetime.now(ZoneInfo("Europe/Berlin")).date() - timedelta(days=1)
    return end - timedelta(days=days - 1)


def generate_demo(*, orders: int = 50_000, products: int | None = None, seed: int = 7,
                  start: date | None = None, days: int = 730, progress: bool = False) -> dict[str, pa.Table]:
    """The demo shop's tables (Arrow tables of the store's exact types), without writing them.

    Parameters are those of :func:`seed_demo`.
    """
    from tqdm.auto import tqdm

    g = _Gen(orders, products, seed, start or default_start(days), days)
    with tqdm(total=_N_STEPS, desc="demo shop", disable=not progress, unit="step") as bar:
        _run(g, bar)
    return {name: g.frames[name] for name in schema.TABLES}


def seed_demo(store: Store, *, orders: int = 50_000, products: int | None = None, seed: int = 7,
              start: date | None = None, days: int = 730, progress: bool = True) -> dict[str, int]:
    """Replace every table of ``store`` with the demo shop (one transaction); returns rows per table.

    Parameters
    ----------
    store : Store
        The store to fill; created if missing. Everything in it is replaced.
    orders : int
        Number of orders (test and cancelled orders included).
    products : int, optional
        Number of products; default :func:`default_products` (about 1,200 for 50,000 orders).
    seed : int
        Same seed and arguments, same shop.
    start : date, optional
        First (local) day of the period; default :func:`default_start` (the data ends yesterday).
    days : int
        Length of the period in days (two years by default); the last day is ``start + days - 1``.
    progress : bool
        Show a progress bar over the generation steps.

    Returns
    -------
    dict
        Rows written per table.
    """
    from tqdm.auto import tqdm

    g = _Gen(orders, products, seed, start or default_start(days), days)
    with tqdm(total=_N_STEPS + 1, desc="demo shop", disable=not progress, unit="step") as bar:
        _run(g, bar)
        bar.set_postfix_str("write")
        counts = store.write_many({name: g.frames[name] for name in schema.TABLES}, mode="replace")
        bar.update(1)
    return counts


#: the platforms :func:`write_demo_exports` writes files for (sources of the migration dry run)
DEMO_EXPORTS = ("magento2", "woocommerce", "prestashop")


def write_demo_exports(store: Store, folder, names=DEMO_EXPORTS) -> dict[str, list[Path]]:
    """The store's catalog (the demo shop's) as each platform's own product and customer files, in
    ``folder/<platform>/``, written by the platform adapters: real-format inputs for trying the
    migration dry run (``notebooks/migration.ipynb`` lists the imports folder). Returns the files
    per platform."""
    from . import platforms
    catalog = store.read_catalog()
    return {name: [Path(p) for p in platforms.get(name).write(catalog, Path(folder) / name)] for name in names}
