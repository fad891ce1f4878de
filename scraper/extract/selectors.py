"""Selectors and marker phrases, kept as data (trafilatura's `xpaths.py` idea).

Nothing here is the only evidence for anything: class names help the layers find
an element, and the layout layer (docs/site.md, "A post page") checks what they found.
Everything the site itself prints around a post (subscribe box, footer, captions,
credits) is listed here, so a changed site means an edit here, not in the code.
"""

from __future__ import annotations

# --- Text structure -------------------------------------------------------------

#: Elements whose start and end break a line of text, as a browser renders them.
BLOCK_TAGS = frozenset(
    """address article aside blockquote body caption center dd details dialog dir div dl dt
    fieldset figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr html
    legend li main menu nav noframes ol p pre section summary table tbody td tfoot th thead
    tr ul picture""".split()
)

#: Elements whose text is never shown as page text, and a form's labels: the words of a
#: form's controls (a sign-up form inside a post), not of the page. A player's fallback shows
#: only where the browser cannot play (WordPress's `[audio]` prints a link to the file in `<audio>`).
SKIP_TAGS = frozenset(
    """script style noscript template head title meta link svg math iframe object embed
    canvas select option textarea datalist button input label audio video""".split()
)

#: Class tokens of text shown only to screen readers (WordPress's `screen-reader-text`
#: holds e.g. "Publicerat den" in front of a date).
HIDDEN_CLASSES = frozenset({"screen-reader-text", "sr-only", "visually-hidden", "screen-reader-only",
                            "elementor-screen-only", "assistive-text"})

#: Inline elements a line remembers: links (teaser URLs), `<time>` (a date inside a meta
#: line), emphasis (a bold line in legacy markup is a title) and `<cite>` (a quote's source).
TRACKED_INLINE_TAGS = frozenset({"a", "time", "b", "strong", "big", "font", "cite"})

HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}

#: Inline elements that make a whole line stand out like a heading (legacy markup:
#: `<b>Title</b><br>`, `<font size="4">`).
EMPHASIS_TAGS = frozenset({"b", "strong", "big", "font"})

#: Elements (and ARIA roles) that hold navigation, never post content.
NAVIGATION_TAGS = frozenset({"nav"})
NAVIGATION_ROLES = frozenset({"navigation", "menubar", "menu", "search"})

# --- Phrases the site prints around a post (docs/site.md, "A post page") -----------

#: Step 5 of a post page: the subscribe box. A short line starting with one of these ends the post.
SUBSCRIBE_PHRASES = ("Få nya inlägg i din inkorg", "Följ oss på Instagram", "Prenumerera på")
#: The most words a subscribe line has (`Få nya inlägg i din inkorg eller följ oss på Instagram.`);
#: a longer line that starts the same way is a sentence of the post's.
MAX_SUBSCRIBE_WORDS = 12

#: Step 7: the footer starts with this sentence, which names the site (a post's own sentence
#: about who runs the programme does not), then an address line.
FOOTER_PHRASES = (
    *(f"{owner} som står bakom {site}" for owner in ("Det är Sveriges Allmännytta (tidigare SABO)",
                                                     "Det är Sveriges Allmännytta", "Det är SABO")
      for site in ("allmännyttan.se", "allmannyttan.se")),
    "Vill du att ditt allmännyttiga bostadsföretags goda arbete ska synas här",
)

#: Prefixes of a photo credit (`Foto: Shutterstock`), or of the text's with it (`Text: Anna Kanervo`):
#: never body, never an author.
CREDIT_PREFIXES = ("foto:", "foto :", "fotograf:", "foton:", "fotografi:", "photo:", "bild:", "bilder:",
                   "omslagsbild:", "illustration:", "bildkälla:", "foto & text:", "foto och text:", "text och foto:",
                   "text & foto:", "text och bild:", "bild och text:", "text:", "(foto:", "©")

#: The label a plugin or an embed prints over what it puts between a post's paragraphs (Ad Inserter's
#: `Annons`; an Instagram post embedded by WordPress, shown without Instagram's script): never body,
#: even mid-text.
INSERT_LABELS = frozenset(s.casefold() for s in (
    "Annons", "Annonser", "Reklam", "Sponsrat", "Advertisement", "Sponsored",
    "Visa det här inlägget på Instagram", "View this post on Instagram",
))

#: What may follow a teaser's excerpt on its line or the next ("… Läs mer »").
READ_MORE = ("Läs mer »", "Läs mer…", "Läs mer...", "Läs mer", "Läs vidare", "Fortsätt läsa…", "Fortsätt läsa",
             "Continue reading", "Read more", "»", "→")
#: The label of a toggle that shows the rest of a text hidden under it (Read More Without Refresh's `Läs mer`):
#: a read-more in words, or one of these.
EXPAND_LABELS = frozenset(s.casefold() for s in (
    *(phrase for phrase in READ_MORE if any(c.isalpha() for c in phrase)),
    "Visa mer", "Läs hela texten", "Läs hela inlägget", "Visa hela texten", "Show more"))

#: Lines of sharing and page furniture a theme may print around a post; dropped at the
#: edges of the post's text.
CHROME_LINES = frozenset(
    s.casefold()
    for s in (
        "Dela", "Dela:", "Dela inlägget", "Dela artikeln", "Dela detta", "Dela detta inlägg", "Dela via e-post",
        "Dela och njut", "Dela på Facebook", "Dela på Twitter",
        "Dela på LinkedIn", "Facebook", "Twitter", "LinkedIn", "E-post", "Mejla", "Skriv ut",
        "Tweet", "Tipsa", "Gilla", "Tillbaka", "« Tillbaka", "Till toppen",
        "Relaterade inlägg", "Senaste inläggen", "Senaste inlägg", "Fler inlägg", "Kommentarer",
        "Lämna en kommentar", "Taggar:", "Kategorier:", "Taggar", "Kategorier", "Läs också", "Läs även",
        "Relaterat", "Senaste nytt",
        "Mer från dagboken", "Fler inlägg från dagboken", "Senaste från dagboken", "Du kanske också gillar",
        "Fler nyheter", "Senaste nyheterna", "Dela gärna",
        # Jetpack's likes button while it loads (its headings end the post: AFTER_POST_PHRASES)
        "Gilla Laddar in …", "Gilla Laddar …", "Laddar in …", "Like Loading…", "Like Loading...",
        # rating boxes under the text (Extra's, Jetpack's)
        "Betygsätt:", "Betygsätt", "Betygsätt detta:", "Betyg:", "Rate this:", "Rate this post",
        # the tools Swedish public sites print by a text: ReadSpeaker's button, text size, other
        # languages (Google Translate's widget reads `Powered by Översätt` without its logo)
        "Lyssna", "Lyssna på sidan", "Lyssna på texten", "Lyssna på artikeln", "Läs upp", "Talande webb",
        "Lättläst", "Teckenspråk", "Textstorlek", "Textstorlek:", "A A A", "Other languages", "Andra språk",
        "Välj språk", "Översätt", "Powered by Översätt", "Select Language", "Skriv ut sidan", "Tipsa en vän",
        "Dela sidan",
        # share boxes' labels in a theme's own English (Herald's `Share This!`, before the text)
        "Share", "Share:", "Share this", "Share this post", "Share this article",
        # a box of the post's facts beside or under the title (Consulting's `Inläggsinfo`)
        "Inläggsinfo", "Om inlägget", "Post info", "Post details",
        # share bars' default titles (Sassy Social Share's `Spread the love`, translated)
        "Sprid kärleken", "Spread the love", "Sharing is caring",
        # a teaser's or an excerpt's `Läs mer` on a line of its own (READ_MORE, but a mark alone)
        *(phrase for phrase in READ_MORE if len(phrase) > 1),
        "Läs vidare »", "Fortsätt läsa →", "Continue reading →", "Read more »",
    )
)

#: The addresses at which social services share a page (a click-to-tweet block's button links to one).
SHARE_ENDPOINTS = frozenset({
    "twitter.com/share", "twitter.com/intent/tweet", "x.com/intent/tweet", "facebook.com/sharer.php",
    "facebook.com/sharer/sharer.php", "facebook.com/sharer", "linkedin.com/shareArticle",
    "linkedin.com/sharing/share-offsite", "pinterest.com/pin/create/button", "api.whatsapp.com/send", "wa.me",
})

#: Words of a share box (`Dela: Facebook Twitter LinkedIn`) and its counters (`47 Delningar`, `734 Visningar`),
#: and of a row of page tools (`Lyssna Skriv ut A A A`, `Tipsa en vän`); a short line of only these is furniture.
SHARE_WORDS = frozenset(
    s.casefold()
    for s in ("Dela", "Dela:", "Facebook", "Twitter", "X", "LinkedIn", "E-post", "Epost", "Email", "E-mail", "Mejla",
              "Skriv", "ut", "Tweet", "Tweeta", "Pinterest", "WhatsApp", "Messenger", "Kopiera", "länk", "Tipsa", "en",
              "vän", "Gilla", "Lyssna", "A", "Delningar", "Totalt", "Shares", "Visningar", "Views", "|", "·", "•", "")
)

#: Prefixes of theme furniture lines around a post (`Publicerat i Dagbok`, `Taggar: …`);
#: dropped at the edges of the post's text, never in the middle.
CHROME_PREFIXES = tuple(
    s.casefold()
    for s in ("Publicerat i ", "Publicerad i ", "Postat i ", "Kategori:", "Kategorier:", "Taggar:", "Etiketter:",
              "Dela:", "Dela på ", "Dela inlägget", "Skriv ut", "Redigera", "Lämna en kommentar", "Kommentera",
              # Jetpack's share buttons' labels (`Klicka för att dela på Twitter (Öppnas i ett nytt fönster)`)
              "Klicka för att ", "Click to ",
              # the links to the pages of a post split at `<!--nextpage-->` (`Sidor: 1 2`)
              "Sidor:", "Pages:",
              # category and tag lines, also in a theme's own English (language files do not cover themes)
              "Posted in ", "Categorized as ", "Kategoriserad som ", "Tagged ", "Tags:", "Leave a comment")
)

#: What a WordPress page prints after a post: readers' comments and the comment form, links to
#: the previous and next post, widgets listing other posts. A line starting with one of these
#: (after the post's first line) ends the post, so nothing after it is the post's body, author
#: or date (docs/site.md, "What stock WordPress prints"), unless the post's own sentence goes on
#: from the words (`Kommentera gärna nedan!`, `lines._reads_on`).
AFTER_POST_PHRASES = tuple(
    s.casefold()
    for s in (
        "Lämna ett svar", "Lämna en kommentar", "Skriv en kommentar", "Kommentarer", "Kommentera", "Svar på",
        "Kommentarer är stängda", "Comments are closed",  # WordPress's own sentence, for a post closed to comments
        "Leave a Reply", "Leave a comment", "Comments", "Föregående", "Senaste inläggen",
        "Senaste inlägg", "Relaterade inlägg", "Recent posts", "Related posts",
        # lists of other news under a post (housing companies' and agencies' themes)
        "Fler nyheter", "Relaterade nyheter", "Senaste nyheterna", "Fler inlägg", "Du kanske också gillar",
        # The Events Calendar's widget, which some themes print in a widget area inside the content
        "Kommande evenemang", "Upcoming events",
        # Jetpack prints its sharing buttons, likes and related posts inside the post's content,
        # after the text and the signature
        "Dela detta:", "Dela det här:", "Gilla detta:", "Gilla det här:", "Relaterade", "Relaterat", "Share this:",
        "Like this:", "Related",
        # an author's box (Twenty Sixteen's `Författare: Redaktionen` and the account's biography)
        "Författare:", "Om författaren", "Om skribenten", "About the author",
        # the feedback box public sites print under a page's text
        "Hittade du det du sökte?", "Var informationen till hjälp?", "Var sidan till hjälp?",
        "Var den här sidan till hjälp?", "Hjälpte informationen dig?", "Fick du svar på din fråga?",
        "Vad tycker du om sidan?", "Was this page helpful?", "Did you find what you were looking for?",
        # readers' reactions (What's Your Reaction?, in Bimber and other viral themes)
        "Vad är din reaktion?", "What's your reaction?", "What’s your reaction?",
    )
)
#: Of those, the links to the previous and next post: printed only after a post, never before it.
POST_NAVIGATION_PHRASES = tuple(
    s.casefold()
    for s in ("Föregående inlägg", "Nästa inlägg", "Föregående artikel", "Nästa artikel", "Previous post", "Next post",
              "Inläggsnavigering", "Post navigation")
)
#: A comments heading with a count (`1 kommentar till ”…”`, `Ett svar på ”…”`, `2 thoughts on “…”`).
AFTER_POST_COUNTS = ("inga", "en", "ett", "one", "no")
AFTER_POST_COUNTED = ("kommentar", "kommentarer", "svar", "response", "responses", "thought", "thoughts",
                     "comment", "comments")
#: How a commenter's line ends (`Sven Svensson skriver:`).
COMMENTER_ENDINGS = ("skriver:", "säger:", "says:", "wrote:")

#: How a theme's byline starts (`av Redaktionen`); such a line right under the title is not body.
#: A block theme may print the words alone, with the name in the next element (`Skrivet av` / `Redaktionen`).
BYLINE_PREFIXES = ("av ", "av: ", "skriven av ", "skrivet av ", "publicerad av ", "postat av ", "text: ", "text av ",
                   "by ", "by: ", "posted by ", "written by ")

#: How a teaser's excerpt ends (docs/site.md, "Teasers": cut mid-word, ended with `...`).
ELLIPSES = ("...", "…", "[…]", "[...]")

#: WordPress's automatic excerpt ending; such a description is never used as `excerpt`.
WORDPRESS_MORE = ("[…]", "[...]", "[&hellip;]")

# --- Names: who may sign a post ----------------------------------------------------

#: Marks a writer may sign off with before the name, as in a Swedish e-mail (`/Martin Kesenci`, `– Anna Kanervo`).
SIGN_OFF_MARKS = "/–—-"

#: Lower-case words allowed inside a person's name (`Ebba von Sydow`).
NAME_PARTICLES = frozenset({"von", "af", "av", "van", "de", "der", "den", "la", "le", "da", "di", "du", "el", "al", "bin"})
#: A particle written onto the surname (`Sofie d’Aubert`, as WordPress prints a typed `d'Aubert`).
NAME_PREFIXES = ("d’", "d'")
#: Titles a name may start with (`Dr. Maria Ek`), casefolded: not part of the name's words.
NAME_TITLES = frozenset({"dr.", "dr", "prof.", "prof"})

#: Words that never occur in a person's name line (organisations, markers, captions).
NOT_NAME_WORDS = frozenset(
    w.casefold()
    for w in (
        "Allmännytta", "Allmännyttan", "Allmännyttans", "SABO", "Innovationslabb", "Innovationslabbet",
        "Foto", "Fotograf", "Fotografi", "Illustration", "Bilden", "Bild", "Läs", "Följ", "Dela", "Kontakt", "Meny", "Hem", "Sök", "Instagram",
        "Facebook", "Twitter", "LinkedIn", "Box", "AB", "Bostäder", "Bostadsbolaget", "Hyresbostäder",
        "Kommun", "Stad", "Labb", "Dagbok", "Dagboken", "Nyheter", "Aktuellt",
    )
)

#: Names of the site itself: a title equal to one of these is the site, not a post.
SITE_NAMES = frozenset(
    s.casefold()
    for s in (
        "Allmännyttan", "allmännyttan.se", "allmannyttan.se", "www.allmannyttan.se", "Sveriges Allmännytta",
        "SABO", "Allmännyttans innovationslabb",
    )
)

#: What separates a post title from a site-name suffix in `<title>` and `og:title`.
TITLE_SEPARATORS = (" – ", " | ", " - ", " — ", " :: ", " · ", " » ", " : ")
#: The arrows before a previous post's title and after a next post's (`« …`, `… »`).
POST_LINK_ARROWS = (("«", "‹", "←"), ("»", "›", "→"))
#: What stands between the steps of a breadcrumb trail printed on one line (`Hem » Dagbok » …`).
BREADCRUMB_SEPARATORS = "»›>/|→"

# --- WordPress conventions (class tokens; see wordpress.py) --------------------------

WP_TITLE_CLASSES = ("entry-title", "post-title", "wp-block-post-title", "single-title", "article-title")
WP_CONTENT_CLASSES = ("entry-content", "post-content", "wp-block-post-content", "single-content",
                      "article-content", "post-entry")
WP_DATE_CLASSES = ("published", "entry-date", "post-date", "wp-block-post-date", "posted-on")
WP_UPDATED_CLASSES = ("updated",)
WP_AUTHOR_CLASSES = ("author", "byline", "entry-author", "post-author", "wp-block-post-author__name", "fn")
WP_POST_CLASSES = ("hentry", "type-post", "single-post", "format-standard")
#: `<body>` class tokens that say "one post is shown".
WP_SINGLE_BODY_CLASSES = ("single-post", "single", "single-format-standard")

# --- Structured data ----------------------------------------------------------------

JSONLD_ARTICLE_TYPES = frozenset({"BlogPosting", "Article", "NewsArticle", "Report", "SocialMediaPosting",
                                  "LiveBlogPosting", "TechArticle"})
JSONLD_PAGE_TYPES = frozenset({"WebPage", "ItemPage"})
OG_ARTICLE_TYPES = frozenset({"article", "blog", "blogposting"})

# --- URLs (docs/site.md, "URLs") -------------------------------------------------------

LAB_PATH_PREFIX = "/vad-vi-gor/innovationslabbet-i-"
PROGRAMME_PATH_PREFIX = "/innovationslabb/"
LISTING_PATH_PARTS = ("/wp-json", "/feed", "/comments/feed", "/xmlrpc.php", "/wp-admin", "/wp-login.php")
LISTING_FILES = ("robots.txt",)
LISTING_SUFFIXES = (".xml", ".xml.gz", ".rss", ".atom", ".json", ".txt")

#: Every class token a layer asks `Document.with_class` about (indexed during the one tree walk).
INDEXED_CLASSES = frozenset(
    WP_TITLE_CLASSES + WP_CONTENT_CLASSES + WP_DATE_CLASSES + WP_UPDATED_CLASSES + WP_AUTHOR_CLASSES
    + WP_POST_CLASSES
)
#: Attributes whose values are indexed the same way (`itemprop:articleBody`, `rel:author`).
INDEXED_ATTRIBUTES = ("itemprop", "rel", "role")

# --- Readers' comments (comments.py; docs/site.md, "What stock WordPress prints") -----------

#: What a comment form says besides its heading (the heading is one of AFTER_POST_PHRASES).
COMMENT_FORM_PHRASES = (
    "Avbryt svar", "E-postadressen publiceras inte", "Din e-postadress kommer inte publiceras",
    "Publicera kommentar", "Skicka kommentar", "Cancel reply", "Post Comment",
    "Your email address will not be published",
)

#: Where WordPress's comment form posts to.
COMMENT_FORM_ACTIONS = ("wp-comments-post.php",)

#: A comment's date links to the comment itself (`…/slug/#comment-12`).
COMMENT_LINK_FRAGMENTS = ("comment-", "div-comment-", "li-comment-")

#: A comment's reply link.
REPLY_LINES = ("Svara", "Svara ↓", "Svara på kommentaren", "Reply", "Reply ↓", "Svar")

#: Class tokens and ids of comment sections (extra evidence only, never alone).
COMMENT_CLASSES = frozenset({
    "comment", "comments", "comment-list", "commentlist", "comments-area", "comment-body", "comment-respond",
    "respond", "comment-author", "comment-meta", "comment-metadata", "comment-content", "comment-form",
    "wp-block-comments", "wp-block-comment-template", "wp-block-comments-query-loop",
})

# --- Listings: archive pages and their pagination (see scraper/sources/listings.py) -------

#: Link texts that lead to a listing's next (older) page; case and the arrows of
#: `PAGINATION_MARKS` are ignored (`Äldre inlägg »`, `Nästa ›`, `Older posts`).
NEXT_PAGE_TEXTS = frozenset(
    s.casefold()
    for s in ("Äldre inlägg", "Äldre", "Äldre poster", "Tidigare inlägg", "Nästa", "Nästa sida", "Fler inlägg",
              "Visa fler", "Visa fler inlägg", "Ladda fler", "Older posts", "Older entries", "Older", "Next",
              "Next page", "More posts", "Load more")
)
#: Marks printed around pagination texts.
PAGINATION_MARKS = "«»‹›←→<>…·|"
#: Path segments before a listing's page number (`/dagbok/page/2/`) and query parameters that carry it (`?paged=2`).
PAGE_SEGMENTS = ("page", "sida")
PAGE_PARAMETERS = ("paged", "page", "sida")
#: First path segments of WordPress's author archives (`/author/redaktionen/`; English and Swedish slugs).
AUTHOR_SEGMENTS = frozenset({"author", "forfattare", "skribent"})
#: First path segments of WordPress's category, tag and author archives.
ARCHIVE_SEGMENTS = frozenset({"category", "kategori", "tag", "etikett"}) | AUTHOR_SEGMENTS
#: A page lists posts when it links this many root-level pages shown as posts are (with a title or a date).
MIN_LISTED_POSTS = 3
#: A line of running text this long (not a teaser's excerpt, not a link) is a page's own text: a
#: page with such a line is an article, even where it also shows several teasers.
ARTICLE_LINE = 200

# --- Categories of a post (see categories.py and scraper/diary.py) -------------------------

#: How a theme prints a post's categories before naming them (`Kategoriserad som Dagbok`).
CATEGORY_PREFIXES = ("Kategoriserad som", "Kategoriserat som", "Categorized as", "Postat i", "Publicerat i",
                     "Publicerad i", "Kategori:", "Kategorier:", "Category:", "Categories:", "Posted in")
#: First path segments of category archives: a link there from the post names one of its categories.
CATEGORY_SEGMENTS = ("category", "kategori")
#: The class-token prefix WordPress gives a post's element for each of its categories (`category-dagbok`).
CATEGORY_CLASS_PREFIX = "category-"
