"""Real post texts in themes nobody on the team wrote, checked field by field.

Each page in tests/markups/unseen/ was written from the seed page and from posts of the
sample site's ground truth (scraper/data/sample_site/posts.json), in a theme unlike the
sample site's markups: a page builder, a sidebar of recent posts before the text, an
English theme, a weekday date line, a `<time>` element as the only date, non-breaking
spaces everywhere, and the single-post templates of popular themes and plugins (docs/site.md,
"What stock WordPress prints"). Each page is read again with its theme's names taken
away (every `id`, `rel`, `itemprop`, `role` and class but the screen-reader ones): no
rule may rest on them.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from lxml import etree

from scraper.classify import classify
from scraper.dates import search_dates
from scraper.extract import extract_post, parse_document
from scraper.extract.selectors import HIDDEN_CLASSES
from scraper.names import PageKind
from scraper.records import Capture
from scraper.sample_site import load_posts
from scraper.sample_site.content import POST_FIELDS

ROOT = "https://www.allmannyttan.se/"
UNSEEN = Path(__file__).parent / "markups" / "unseen"
SEED = {k: v for k, v in json.loads((UNSEEN.parent / "seed-expected.json").read_text(encoding="utf-8")).items()
        if k != "teasers"}
POSTS = {p.slug: p for p in load_posts()}

# page → the post it shows (None: the seed page)
PAGES = {
    # a page builder: generated class names, 'Publicerad 29 april 2019 av Redaktionen' in a meta div
    "builder-byline": None,
    # 'Senaste inläggen' (titles and dates) before the text, the date only in the entry footer, readers' comments
    "sidebar-first-footer-date": "bis-samlar-foreningslivet-i-boden",
    # 'Posted on October 24, 2018 by admin', teasers dated month first
    "english-month-first": "portalen-oppnar-dorren-for-nya-samarbeten",
    # 'måndagen den 29 april 2019' above the title, 'Uppdaterad 3 maj 2019' below it
    "weekday-and-update": None,
    # only <time datetime> in the article; previous/next links and dated teasers after it
    "time-element-only": "nu_galler_det_att_anvanda_tiden_ratt",
    # NBSP in date, title, body and role; the signature in one <p> split by <br>
    "nbsp-br-signature": "fotbollsskolan-i-lina-hage-ar-fullbokad",
    # no class or id at all, English theme words ('Published', 'By', 'Posted in'); an unsigned post whose
    # reader signs a comment with a name and a role; previous/next links and 'Recent Posts' after it
    "unsigned-comment-signed": "god-jul-fran-innovationslabben",
    # a page builder's posts widget (each title and date a block of its own) in a column before the
    # text, the post's date only in a post-info row after it; written when such a page was found
    # to take the widget's last date as its own
    "builder-sidebar-footer-date": "forsta-workshopen-i-rannebergen",
    # One post in the markup of nine popular themes as their single-post templates print it,
    # with their screen-reader labels, meta rows, post navigation, related posts, sidebars and
    # comment forms; written from the themes' templates before the parser read them. Eight were
    # exact at once; the OceanWP page, whose meta row is a list (`Redaktionen` / `10 oktober
    # 2018` / `Dagbok`, the labels hidden), lost its body.
    "astra-byline-slash-date": "forsta-workshopen-i-rannebergen",  # `Av Redaktionen / 10 oktober 2018`
    "generatepress-time-byline": "forsta-workshopen-i-rannebergen",  # `10 oktober 2018 av Redaktionen`, right sidebar
    "oceanwp-meta-list-hidden-labels": "forsta-workshopen-i-rannebergen",  # page header, breadcrumbs, related dated
    "divi-abbreviated-month-first": "forsta-workshopen-i-rannebergen",  # `av Redaktionen | okt 10, 2018 | Dagbok`
    "twentyseventeen-date-above-title": "forsta-workshopen-i-rannebergen",  # published and updated <time>
    "twentytwenty-meta-list-icons": "forsta-workshopen-i-rannebergen",  # categories above the title
    "twentynineteen-title-in-hero": "forsta-workshopen-i-rannebergen",  # title and meta in the header's hero
    "twentyfifteen-sidebar-first-footer-date": "forsta-workshopen-i-rannebergen",  # menu and widgets first
    "kadence-hero-related-dated": "forsta-workshopen-i-rannebergen",  # hero band, dated related posts after
    # Four more, written the same way: Avada and Newspaper, and Jetpack's sharing buttons,
    # likes and dated related posts, which it prints inside the post's content, after the
    # signature. Only Avada was exact at once: Newspaper's meta row (`Av` / `Redaktionen` / `-` /
    # the date / `1234` views / `0` comments, one element each) made the text a lone `-`, and
    # Jetpack's block lost the signature, or ran into the text.
    "avada-meta-after-text-related-dated": "forsta-workshopen-i-rannebergen",
    "newspaper-meta-row-counts": "forsta-workshopen-i-rannebergen",
    "jetpack-sharing-likes-related-in-content": "forsta-workshopen-i-rannebergen",  # in GeneratePress
    "jetpack-in-content-footer-date": "forsta-workshopen-i-rannebergen",  # in Twenty Nineteen
    # And four more: Blocksy and Neve were exact at once. Elementor Pro's post-info list sits
    # above the title and its share buttons, post navigation and footer after the content
    # widget; Twenty Twenty-Four prints the author's biography after the content. Both ran on
    # past the signature, which was lost.
    "blocksy-meta-list-share-box": "forsta-workshopen-i-rannebergen",
    "neve-breadcrumbs-meta-list": "forsta-workshopen-i-rannebergen",
    "elementor-pro-info-above-title": "forsta-workshopen-i-rannebergen",
    "twentytwentyfour-author-biography": "forsta-workshopen-i-rannebergen",
    # Three more, exact at once: ColorMag (`10 oktober, 2018 Redaktionen 0` on one line), Hestia
    # (`Publicerad av Redaktionen den 10 oktober 2018` in the header), WPBakery's rows of columns.
    "colormag-meta-line-with-counts": "forsta-workshopen-i-rannebergen",
    "hestia-byline-sentence-in-header": "forsta-workshopen-i-rannebergen",
    "wpbakery-rows-of-text-columns": "forsta-workshopen-i-rannebergen",
    # The default themes of 2012–2016, exact at once: the date after the text with the byline
    # (Twenty Sixteen), `Detta inlägg publicerades i Dagbok den … av Redaktionen.` (Twenty
    # Twelve), meta spans glued without spaces (`10 oktober 2018DagbokRedaktionen`).
    "twentysixteen-footer-byline-date": "forsta-workshopen-i-rannebergen",
    "twentyfourteen-category-above-title": "forsta-workshopen-i-rannebergen",
    "twentythirteen-glued-meta-spans": "forsta-workshopen-i-rannebergen",
    "twentytwelve-footer-sentence": "forsta-workshopen-i-rannebergen",
    # Exact at once too: a magazine theme (`Läsningstid: 3 min`, `Uppdaterad: 12 oktober 2018`
    # under the byline row), Inspiro (title and meta on the cover image), Sydney (meta above the title).
    "magazine-reading-time-updated": "forsta-workshopen-i-rannebergen",
    "inspiro-title-on-cover-image": "forsta-workshopen-i-rannebergen",
    "sydney-meta-above-title": "forsta-workshopen-i-rannebergen",
    # Tables of contents that plugins print inside the text, a list of links to its subheads:
    # Easy Table of Contents (`Innehåll`, a `Växla` toggle, the list in a <nav>), Table of
    # Contents Plus (`Innehåll [dölj]`, a numbered list with no <nav>) and Rank Math's block
    # (an `Innehållsförteckning` heading). Their headings and, without a <nav>, their entries
    # were read as body.
    "easy-toc-box-in-content": "forsta-workshopen-i-rannebergen",
    "toc-plus-numbered-list-hide-toggle": "vilken-resa-vi-gor",
    "rank-math-toc-block-nav": "nu-drar-vi-i-gang",
    # Eight more themes, written from their single-post templates by sessions that had not seen
    # the rules, with other posts of the ground truth. Twenty Ten, Twenty Eleven, Hello Elementor
    # (no meta at all; the date only in Yoast's tags) and Storefront were exact at once. Flatsome's
    # date badge on the featured image (`21` / `aug`) put `aug` first in the body, and the signature
    # was lost; Enfold and The7 mark their only date `updated` (hAtom's property), which was read as
    # an update's date; The7 and Zakra print breadcrumbs (`Hem` / `Dagbok` / the title) between the
    # title and the text, The7 a glued date badge (`okt242018`) and a category label on the image.
    "twentyten-meta-line-nav-above": "sa-valdes-de-fyra-labben",
    "twentyeleven-nav-single-tags-footer": "vart-rannebergen-tar-form",
    "hello-elementor-no-meta-yoast-head": "smarta-mal-lattare-sagt-an-gjort",
    "storefront-meta-above-title-comment": "god-jul-fran-innovationslabben",
    "flatsome-glued-times-date-badge": "musik-ar-ett-sprak-alla-forstar-the-rockin-pots-kommer-till-boden",
    "enfold-title-bar-hidden-structured-data": "inkubatorn-i-rannebergen-lokala-krafter-i-samverkan",
    "the7-fancy-date-meta-after-text": "portalen-oppnar-dorren-for-nya-samarbeten",
    "zakra-page-header-meta-above-image": "motesplatsen-i-lina-hage-har-oppnat",
    # A block theme whose Query Loop lists related posts after the content, each with its date
    # and excerpt; with its names taken away, the author's name after the date (`·` between, a
    # link to the author's page) started the body until a short linked label was no longer body.
    "blocktheme-query-loop-related-excerpts": "ett-ar-med-portalen",
    # BeTheme prints its previous and next boxes before the post's header, each one link holding
    # another post's title and date, and breadcrumbs under the title: the page took the previous
    # post's date and had no body, until a box that links elsewhere became navigation.
    "betheme-fixed-nav-dates-before-header": "bis-samlar-foreningslivet-i-boden",
    # Plugins' output around the post, in classic themes: Yoast's breadcrumbs on one line between
    # the title and the date (`Hem » Dagbok » …`), which became the whole body, and the signature
    # was lost; Social Warfare's share bar before the text (`47 Delningar` started the body); a
    # cookie banner before the header, view counts and reading time in the meta row, and a
    # `Senast uppdaterad` line above the text, which were exact at once.
    "plugin-yoast-breadcrumbs": "vad-har-vi-lart-oss-hittills",
    "plugin-yoast-breadcrumbs-twentysixteen": "vad-har-vi-lart-oss-hittills",
    "plugin-social-warfare-share-bar": "vad-hande-sedan",
    "plugin-cookie-law-info-bar": "intervjuer-i-lina-hage",
    "plugin-post-views-reading-time": "starta-eget-studiecirkel-med-coompanion",
    "plugin-wp-last-modified-info": "inkubatorn-i-rannebergen-lokala-krafter-i-samverkan",
    # Page builders: Beaver Builder, Bricks and Divi's Theme Builder were exact at once. Oxygen
    # prints the account's name bare under the date (`Redaktionen`, an icon before each) in the
    # header's section, and WordPress's own previous/next links (`« Intervjuer i Lina Hage`) in
    # the text's: the name started the body, the links ended it, the signature was lost and the
    # links' place names set the lab.
    "beaver-theme-meta-top-schema-metas": "intervjuer-i-lina-hage",
    "oxygen-ct-spans-no-labels": "vad-har-vi-lart-oss-hittills",
    "bricks-post-meta-items-related-dated": "kvinnor-arbete-och-portalen",
    "divi-theme-builder-post-title-module": "nu-drar-vi-i-gang",
    # Simple Author Box prints the account's box inside the content of an unsigned post: its name
    # (a link to the author's archive), its biography and its social links were read as the end of
    # the text, and the biography's four towns set the labs. Twenty Twenty-Five's meta row prints
    # `Skrivet av` / `Redaktionen` / `i` / `Dagbok` one element each; with its names taken away,
    # `Skrivet av` started the body.
    "plugin-simple-author-box": "god-jul-fran-innovationslabben",
    "twentytwentyfive-meta-row-one-word-each": "god-jul-fran-innovationslabben",
    # Plugins again: Contextual Related Posts prints `Relaterade inlägg:` and its list at the end
    # of the content, before Twenty Sixteen's entry footer, the only place with the date, which
    # was lost (`no date found`); Ad Inserter's `Annons` label over an ad between two paragraphs
    # stayed in the body; WP-Print's print view dates a post `den 24 oktober 2018 @ 11:20`,
    # which was not read as a date, and so the body was not found either.
    "plugin-related-posts-before-footer-date": "forsta-workshopen-i-rannebergen",
    "plugin-ad-inserter-label-mid-text": "bis-samlar-foreningslivet-i-boden",
    "plugin-wp-print-date-at-time": "portalen-oppnar-dorren-for-nya-samarbeten",
    # JNews prints share and view counts (`12` / `DELNINGAR`, `734` / `VISNINGAR`) and share
    # buttons before the text, Newspack Jetpack's share buttons in its header (`Klicka för att
    # dela på Twitter (Öppnas i ett nytt fönster)`, hidden by Jetpack's own class): both started
    # the body with their names taken away. The AMP plugin's reader template prints the account's
    # name bare between the title and the date, which shows how long ago it was (`1 år sedan`, a
    # `<time datetime>`): both started the body.
    "jnews-share-counts-views": "fotbollsskola-pa-sommarlovet-en-ide-tar-form",
    "newspack-sharing-in-header": "god-jul-fran-innovationslabben",
    "amp-reader-relative-time": "forsta-workshopen-i-rannebergen",
    # Premium themes: Impreza prints its meta row one block each (the date, `Redaktionen`, `Dagbok`,
    # `Inga kommentarer`): the comment count ended the post before its text, and no body was found.
    # Jannah prints its meta row twice (a copy for a sticky bar) with a reading time (`0 38 Mindre
    # än en minut läsning`): the copy's date ended the post at once. SmartMag's share labels are
    # glued (`FacebookTwitterLinkedInE-post`) and started the body with its names taken away.
    "impreza-meta-row-blocks-comment-count": "tack-for-den-har-tiden",
    "jannah-meta-row-twice-reading-time": "god-jul-fran-innovationslabben",
    "smartmag-glued-share-labels": "tio-minuter-om-livet-och-arbetslivet",
    # Unsigned, nothing ends the text: Extra's rating box (`Dela:` / `Betygsätt:`) and Publisher's
    # tag, share bar and author box (`Redaktionen35 inlägg0 kommentarer`, its name a link to the
    # author's archive, then the biography naming the four labs) ran on into the body.
    "extra-rating-box-unsigned": "god-jul-fran-innovationslabben",
    "publisher-author-box-counts-tags-unsigned": "god-jul-fran-innovationslabben",
    # A custom agency theme (an ISO date in a small meta line) prints an author card after the
    # content, `Publicerad av` over the signature's name and role again: the card was taken for
    # the signature, and the real one and the label stayed in the body.
    "agency-author-card-repeats-signature": "nu_galler_det_att_anvanda_tiden_ratt",
    # Another prints the category, the title, the lead paragraph (`ingress`) and then the date in
    # its header, the rest of the text after it: the date was read as printed after the text, and
    # the body was the lead alone.
    "agency-ingress-in-header-before-date": "god-jul-fran-innovationslabben",
    # What editors put in a post's text, in ordinary themes (Twenty Seventeen, Twenty Nineteen,
    # GeneratePress). An Instagram post embedded by WordPress and shown without Instagram's script
    # (`Ett inlägg delat av … den 22 juni 2019 kl. 6:12 PDT`), a Facebook post's embed (`Publicerat
    # av … den lördag 11 maj 2019`) and an event's box (`Datum: 16 maj 2020`) each show a date line
    # of their own: the post ended there, the rest of its text and its signature were lost. A
    # tweet's embed (`— Allmännyttan (@allmannyttan) 12 mars 2019`) was exact. What such a box
    # shows is the post's text, but for Instagram's `Visa det här inlägget på Instagram`; each
    # page's `.json` gives the body and excerpt with it.
    "embed-instagram-post-dated": "barnfest_pa_torget_i_rannebergen",
    "embed-facebook-post-dated": "foreningsdag-i-boden-lockade-hundratals-besokare",
    "event-box-dated-in-text": "bis-tar-over-stafettpinnen-i-boden",
    "embed-tweet-dated": "inkubatorn-i-rannebergen-lokala-krafter-i-samverkan",
    # Swedish public and housing sites as agencies built them, with the tools they print by a text:
    # ReadSpeaker's `Lyssna på sidan` bar, `Lyssna Skriv ut A A A`, Google Translate's `Powered by
    # Översätt`, a meta row as a description list (`Publicerat` / the date / `Kategori` / `Dagbok`),
    # `Till toppen` links ending each section, a `Hittade du det du sökte?` box, a contact card
    # (`Kontakt`, a name and a role) after the text. The tools started the body, and the listen bar
    # made a contact card's name and role pass for the signature's surroundings: the signature was
    # lost; `Till toppen` stayed in the text; an unsigned post ran on through the feedback box, the
    # contact card and an events list, whose town set the lab.
    "agency-listen-bar-contact-aside": "starta-eget-studiecirkel-med-coompanion",
    "agency-unsigned-feedback-contact-card": "god-jul-fran-innovationslabben",
    "agency-to-top-links-in-text": "vilken-resa-vi-gor",
    "agency-meta-description-list-tools-row": "smarta-mal-lattare-sagt-an-gjort",
    # Blog themes with sidebars of WordPress's own widgets (a calendar, recent posts with dates,
    # archives, an RSS feed). Spacious prints the title again at the end of the text for hAtom
    # (hidden by its stylesheet), right above its meta row: the copy was taken for the title, and
    # the post became what follows it. Themify Ultra's meta row under the title is links to the
    # account's and the tags' archives (`allmannyttan Dagbok Norrköping, Portalen, arbetsmarknad 1`):
    # it started the body. Twenty Twenty-Two, Ashe, Sparkling, Vantage, Olsen Light and Lovecraft
    # were exact at once.
    "spacious-hatom-title-copy-meta-after": "ungdomarna-utvarderar-linas-motesplats",
    "themify-ultra-meta-row-of-links": "kvinnor-arbete-och-portalen",
    # A post laid out with block plugins and page builders' modules (columns, a cover, media and
    # text, info boxes, buttons, SiteOrigin's panels). SiteOrigin's headline widget printed the
    # signature as headings (`<h4>` the name, `<h5>` the role): a post never ending with a heading,
    # the signature was dropped and the author lost.
    "siteorigin-headline-widget-signature": "en-egen-kvall-for-tjejer",
    # Names and roles besides the signature's. An unsigned post ending with a quote whose `<cite>`
    # is a name over a role: that person became the author. Twenty Sixteen's author box inside the
    # content (`Författare: Redaktionen` and the account's biography) after the signature: the
    # signature was lost. A contact box under the signature and its e-mail and phone (`Vill du veta
    # mer? Kontakta`, another name and role): that person became the author. Two people signing
    # together (`Martin Kesenci och Daniel Berg` over their roles): no author. Exact at once: a
    # quote's attribution on two lines before the signature, an interview's bold names, a caption
    # naming people, a guest post's `Gästinlägg av …`, a role with the site's typo.
    "twentynineteen-unsigned-quote-cite-name-role": "god-jul-fran-innovationslabben",
    "twentysixteen-author-box-in-content": "tack-for-den-har-tiden",
    "elementor-signature-contacts-contact-box": "ett-ar-med-portalen",
    "oceanwp-two-names-one-signature": "en-egen-kvall-for-tjejer",
    # Dates as themes print them with Swedish settings. ColorMag's meta row `Ons 26 jun 2019
    # Redaktionen 1 kommentar` was no date line and started the body. A theme that prints how long
    # ago (`för 6 månader sedan`) in a `<time>`, its footer `Senast ändrad för 6 månader sedan`
    # under the signature, and readers' comments dated the same way: the footer and the role line
    # above it were read as a comment, and the signature was lost. A date badge (`nov` / `13`, the
    # year only in the `<time>`) and an events list with linked titles after the post: no body was
    # found. Exact at once: `februari 27, 2019`, `07/11/2018`, `2019/09/25`, `Publicerad måndag 7
    # oktober 2019 kl. 15:05` after an `Uppdaterad` line, only JSON-LD in UTC.
    "colormag-weekday-date-name-comment-count": "barnfest_pa_torget_i_rannebergen",
    "relative-dates-updated-in-footer": "ungdomarna-utvarderar-linas-motesplats",
    "badge-date-events-list-after": "fyra-labb-manga-lardomar",
    # The site's own theme as a Swedish agency might have built it, in the seed page's reading
    # order (docs/site.md, "A post page"), each a different build: BEM or Swedish class names or
    # none, Bootstrap 3 with the logo as the `<h1>`, a hero with the title on it, a mega menu
    # that shows another post first, `Läs mer om …` as buttons, the signature in a box, in one
    # `<p>` with `<br>`, as `<b>` and `<i>`, no subscribe lines (the role runs into the first
    # teaser), no teasers, a date badge beside the title. All exact at once.
    "site-theme-tinymce-lasmer-knappar": "vilken-resa-vi-gor",
    "site-theme-hero-rubrik-pa-bild": "nu-drar-vi-i-gang",
    "site-theme-bootstrap3-logga-h1-strong": "forsta-workshopen-i-rannebergen",
    "site-theme-bem-signaturruta-kortlank": "bis-samlar-foreningslivet-i-boden",
    "site-theme-osignerat-megameny-senaste": "god-jul-fran-innovationslabben",
    "site-theme-divar-utan-prenumeration": "fotbollsskola-pa-sommarlovet-en-ide-tar-form",
    "site-theme-klasslos-utan-teasers": "kvinnor-arbete-och-portalen",
    "site-theme-datumbricka-bredvid-rubrik": "musik-ar-ett-sprak-alla-forstar-the-rockin-pots-kommer-till-boden",
    "site-theme-nbsp-kortgrid-jsonld": "fotbollsskolan-i-lina-hage-ar-fullbokad",
    # the signature from the theme's custom fields, an `<aside>` printed before the text and shown
    # beside it: the name and role were taken for the signature of an empty text (no body found)
    "site-theme-signaturruta-fore-texten": "portalen-oppnar-dorren-for-nya-samarbeten",
    # Posts printed without their signature, so that nothing of their own ends their text, with what
    # themes and plugins print after it. GeneratePress's share bar with its counts glued
    # (`DelaTotalt23Facebook14Twitter3…`) and Divi's `Läs också` box (another post's linked title
    # and its excerpt) ran into the body; signed, they hid the signature. Exact at once: an author
    # box naming towns, tags and previous/next links, partners' logos, a newsletter form and an
    # empty comments area, related posts without dates.
    "generatepress-unsigned-share-counts-glued": "vad-har-vi-lart-oss-hittills",
    "divi-unsigned-read-also-box": "portalen-oppnar-dorren-for-nya-samarbeten",
    # Astra's default meta row under the title starts with the comment count (`4 kommentarer /
    # Dagbok / Av sabo_webb / 27 februari 2019`): the count was read as the start of the comments,
    # and the whole post was lost (no date, no body). Readers' comments follow, some signed with a
    # name over a role, one awaiting moderation.
    "astra-comment-count-heads-meta-row": "kvinnor-arbete-och-portalen",
    # A post pasted from an e-mail into Enfold: `<div>` paragraphs, `<font>`, the signature signed off
    # with a slash (`/Martin Kesenci` over the role), which left the author unread and ran the body on
    # into the sharing box, the theme's hidden structured-data text and related posts (a lab too many).
    "enfold-mail-paste-slash-signoff": "intervjuer-i-lina-hage",
    # A custom theme of 2008 laid out in tables, still in use: `<font>`, spacer GIFs, `<br><br>`
    # paragraphs, and the post's only date a calendar badge in the cell beside the title, in three
    # pieces (`NOV` / `7` / `2018`): no date was found, and the post was lost with it.
    "table-layout-calendar-badge": "bis-samlar-foreningslivet-i-boden",
    # Newsup: the byline's word and the account's name in two elements with no space between
    # (`AvJohan Lind`), over the date, under a ticker of other titles run together: the byline was
    # taken for the post's text, the date for one after it, and the page failed (no body found).
    "newsup-byline-glued-to-name": "en-egen-kvall-for-tjejer",
    # Plugins' output in the text, which became its lines: PDF & Print's buttons over the text, their
    # labels glued (`PDFSkriv ut`); WPML's `Detta inlägg finns även på: Engelska (English)`; Contact
    # Form 7's field labels in a sign-up form before the signature (the editor's heading and lines
    # over it are the post's).
    "twentytwenty-pdf-print-buttons": "starta-eget-studiecirkel-med-coompanion",
    "divi-wpml-translation-notice": "nytt-namn-samma-uppdrag",
    "twentyseventeen-cf7-signup-form-in-text": "bis-tar-over-stafettpinnen-i-boden",
    # Easy Footnotes' `Fotnoter` list under the signature made it body lines (author lost); the notes
    # are the post's text, their marks show in the sentences (`ansökan.1`).
    "twentyfifteen-easy-footnotes-after-signature": "sa-valdes-de-fyra-labben",
    # ColorMag's meta row with a custom date format: `2019-05-15 kl. 14:302019-05-15 kl. 16:05
    # Redaktionen 0 kommentarer`, published and updated `<time>` glued, read as the text's first line.
    "colormag-iso-date-time-glued-updated": "foreningsdag-i-boden-lockade-hundratals-besokare",
    # TablePress's table of activities and participants per lab: every cell that was a bare number
    # was dropped as a calendar's day, and the table lost its figures.
    "avada-tablepress-figures": "halvtid-i-innovationslabben",
    # Signatures typed by hand: the role's organisation on a line of its own in the signature's
    # paragraph (`projektledare på Portalen` / `Hyresbostäder i Norrköping`, dropped as a label: lost);
    # the role broken after its comma over a footer date (cut to `ansvarig för stadsdelsutveckling,`,
    # its end lost); `Text: Anna Kanervo` over `Foto: Shutterstock` (the first read as the text's).
    "twentysixteen-role-organisation-line": "starta-eget-studiecirkel-med-coompanion",
    "twentynineteen-role-broken-after-comma": "kvinnor-arbete-och-portalen",
    "generatepress-text-credit-over-photo-credit": "halvtid-i-innovationslabben",
    # Page builders' copies for another screen size, hidden by stylesheets we cannot see: WPBakery's
    # quote in a column beside the text (`vc_hidden-xs`) and again for phones, Avada's Title element
    # for phones and for larger screens: the quote and the subhead were read twice.
    "wpbakery-quote-column-per-device": "musik-ar-ett-sprak-alla-forstar-the-rockin-pots-kommer-till-boden",
    "avada-subhead-title-per-device": "nu_galler_det_att_anvanda_tiden_ratt",
    # An unsigned notice that ends with whom to contact (`Kontakt:` / a name / a role): the contact
    # was read as the post's writer, and the name and role left the text.
    "twentynineteen-unsigned-ends-with-contact": "god-jul-fran-innovationslabben",
    # Read More Without Refresh: the post's first paragraphs, `Läs mer` (a link to `#`), and the rest
    # of the post in a `display:none` block: thirteen paragraphs and the signature were lost.
    "twentyseventeen-rest-of-post-behind-read-more": "vilken-resa-vi-gor",
    # Timber's starter theme: the date in a byline under the title (`Av Redaktionen • 16 januari 2019`),
    # a reader's comment with no date under `Kommentarer`, its `Svara` taken as the reply line of a
    # comment made of the title and the byline: the post had no date.
    "timber-byline-over-text-undated-comment": "smarta-mal-lattare-sagt-an-gjort",
    # Sage prints the publish date as a bare `<time class="updated">`, here beside a reading time
    # (`11 september 2019 · 2 min läsning`): read as an update's date, and the post had none.
    "sage-updated-time-reading-time": "ungdomarna-utvarderar-linas-motesplats",
    # Ultimate Addons for Gutenberg's quote block with its `Tweet` button (a link to `javascript:void(0)`)
    # in the middle of the text: the button's label was read as a paragraph.
    "quote-block-tweet-button": "ungdomarna-utvarderar-linas-motesplats",
    # Otter's About Author block after the signature (the account's Gravatar, name and biography, share
    # icons): the signature was read as text and the post as unsigned.
    "otter-about-author-after-signature": "starta-eget-studiecirkel-med-coompanion",
    # A headless front end's author box (Gravatar, `Redaktionen`, its biography) under an unsigned post:
    # both lines were read as the post's last paragraphs.
    "headless-unsigned-avatar-author-box": "god-jul-fran-innovationslabben",
    # Customizr prints the comment count in the title's heading, a link to the comments: the title
    # was read as `BIS samlar föreningslivet i Boden 2`.
    "customizr-comment-bubble-in-title": "bis-samlar-foreningslivet-i-boden",
    # Bimber under an unsigned post: a share bar (`DELNINGAR`, `DelaTweeta`) and What's Your Reaction?'s
    # `Vad är din reaktion?` with its counts (`5love`, `1lol`, …), read as the post's last paragraphs.
    "bimber-unsigned-shares-reactions": "god-jul-fran-innovationslabben",
    # Bridge over the text: the title again after a date badge (`21 aug ”Musik är …”`), then its meta
    # line in English (`Posted at 11:00h in Dagbok by Redaktionen 0 Comments`): both opened the body.
    "bridge-date-badge-title-copy-meta-line": "musik-ar-ett-sprak-alla-forstar-the-rockin-pots-kommer-till-boden",
    # Soledad's hidden meta row under the title (`av Redaktionen 25 september 2019`), then the shown one
    # with the same date and a reading time: the second ended the post before its text (no body), and
    # the share bar's total glued to its labels (`4FacebookTwitterLinkedinEmail`) opened the text.
    "soledad-hidden-meta-row-share-total": "ett-ar-med-portalen",
    # Swedish public-sector themes print the page's dates after the article's element: Municipio's row
    # (`Publicerad: 24 oktober 2018 11:20` / `Senast ändrad: …`), after the signature or after the seed
    # post's links to the lab pages, and an agency's list of page facts (`Publicerad:` / `2019-10-03`)
    # past a contact box. Each post was undated (exit 1).
    "municipio-dates-row-after-article": "portalen-oppnar-dorren-for-nya-samarbeten",
    "municipio-dates-row-after-lab-links": "vilken-resa-vi-gor",
    "agency-page-facts-after-contact-box": "nu_galler_det_att_anvanda_tiden_ratt",
    # Meta rows under the title that opened the body: Jupiter's `In Dagbok` (a byline word and the
    # category link), Sahifa's one line with the category, a comment link and the views after the date
    # (no date either: exit 1), Gillion's `Anna Kanervo, 7 oktober 2019 1 min read 0 96`, and Herald's
    # share list labelled `Share This!` in a column before the text.
    "jupiter-in-category-meta-row": "nu-drar-vi-i-gang",
    "sahifa-one-line-meta-row-views": "bis-samlar-foreningslivet-i-boden",
    "gillion-meta-row-reading-time": "tio-minuter-om-livet-och-arbetslivet",
    "herald-share-this-label-before-text": "kvinnor-arbete-och-portalen",
    # CoBlocks' click-to-tweet block in the text: its `Tweet` button (a link to `twitter.com/share?…`)
    # was read as a paragraph.
    "coblocks-click-to-tweet-button": "fyra-labb-manga-lardomar",
    # Envo Magazine's meta row on one line, ending with the comment count beside its icon (`By
    # Webbredaktionen 7 november 2018 0`): no meta line, and it opened the body.
    "envo-byline-date-comment-count": "bis-samlar-foreningslivet-i-boden",
    # Bam's author box under the signed text: the account's avatar, name and a biography that reads
    # like a role: taken for the signature, its biography for the role.
    "bam-avatar-card-bio-after-signature": "tio-minuter-om-livet-och-arbetslivet",
    # Breadcrumbs whose separators the stylesheet draws (`Home Dagbok Första workshopen i Rannebergen`,
    # TheGem's and Zephyr's) were taken for the title beside the date line, or for the text: no date
    # (exit 1); TheGem's meta line starts with a byline (`By Anna Kanervo Dagbok 10 oktober 2018`).
    "thegem-bare-breadcrumb-byline-category-date": "forsta-workshopen-i-rannebergen",
    "zephyr-bare-breadcrumb-in-title-bar": "portalen-oppnar-dorren-for-nya-samarbeten",
    # Movedo's `By: Redaktionen` over the date line was no byline: the post's text was only that line.
    "movedo-by-colon-byline-over-date": "halvtid-i-innovationslabben",
    # WordPress's `[audio]` player: the link to the file inside `<audio>`, shown only by a browser that
    # cannot play it, was read as a paragraph.
    "twentynineteen-audio-player-fallback-link": "tio-minuter-om-livet-och-arbetslivet",
    # Mailchimp for WordPress's sign-up form, headed with the site's own `Få nya inlägg i din inkorg`,
    # put between the second and third paragraphs by an ad plugin: the post ended there (the rest of
    # its text and its signature lost, exit 0).
    "twentyseventeen-signup-form-between-paragraphs": "forsta-workshopen-i-rannebergen",
    # Tables of contents whose heading (`Innehåll` and a `dölj` toggle) stayed in the text: LuckyWP's
    # items are `<div>`s, no list; Ultimate Blocks wraps its list once more inside the box with the heading.
    "neve-luckywp-toc-div-list": "ett-ar-med-portalen",
    "ultimate-blocks-toc-heading-outside-list": "vilken-resa-vi-gor",
    # Kadence's accordion: each pane's title is a `<button>` (in an `<h3>`, or in a box of its own over
    # the panel), and its subheads were lost with the buttons' labels.
    "kadence-accordion-button-in-heading": "forsta-workshopen-i-rannebergen",
    "kadence-accordion-button-over-panel": "ett-ar-med-portalen",
    # Oshine prints its meta row as a `<nav>` (`Posted By : Redaktionen / aug 21, 2019 / In Dagbok /
    # 0 comments`): no date in navigation dates a post, so the post had none, and no text either (exit 1).
    "oshine-meta-row-nav-month-first": "musik-ar-ett-sprak-alla-forstar-the-rockin-pots-kommer-till-boden",
    # Plugins that give a post several authors print the accounts as a list: Co-Authors Plus in
    # OceanWP's meta row (`Anna Kanervo och Martin Kesenci`, each a link), PublishPress Authors in
    # Twenty Twenty's byline (`Av Redaktionen och Anna Kanervo`). The list was read as the post's
    # whole text, and its signature lost (exit 0).
    "coauthors-plus-two-accounts-meta-row": "fotbollsskola-pa-sommarlovet-en-ide-tar-form",
    "publishpress-authors-byline-two-names": "slutrapporten-ar-har",
    # Koji prints the post's manual excerpt under the title in its header, then the meta row
    # (`Publicerat i Dagbok` / the date as a link's text / `Lämna en kommentar`) before the text: no
    # date (exit 1), the meta row's lines in the text. The lead is the text's first paragraph, as an
    # agency's `ingress` is (docs/site.md).
    "koji-excerpt-under-title-meta-row-after": "vilken-resa-vi-gor",
    # Sassy Social Share's bar at the top of the text, its buttons icons with no text: its title
    # (`Sprid kärleken`, its `Spread the love` translated) opened the body.
    "sassy-share-title-before-text": "starta-eget-studiecirkel-med-coompanion",
    # BeTheme's Intro template: title and meta row in a hero, then its links to the previous and next
    # post, each with its date, fixed to the window's sides, before the text: their first date ended
    # the post, whose text was the account's name in the meta row (signature and text lost, exit 0).
    "betheme-intro-fixed-post-nav-dated": "starta-eget-studiecirkel-med-coompanion",
    # Meta rows that name the account by its login, as WordPress prints it when the account has no
    # display name: evolve's `december 5, 2018 skrivet av sabo_webb` (no date, and the line was the
    # post's whole text, its signature lost), Mesmerize's `sabo_webb 30 januari 2019 Dagbok 0` (no date).
    "evolve-month-first-written-by-login": "vad-har-vi-lart-oss-hittills",
    "mesmerize-login-before-date": "vart-rannebergen-tar-form",
    # Publisher puts its `Relaterade inlägg` box (a label, two other posts' titles) inside the text,
    # after the second paragraph: the post ended there, its last four paragraphs and signature lost.
    "publisher-related-box-between-paragraphs": "nu-drar-vi-i-gang",
    # Consulting heads its box of the post's date, account and category `Inläggsinfo`, between the title
    # and the date: the label was taken for the title beside the date, and the post had no text (exit 1).
    "consulting-post-info-label-over-date": "portalen-oppnar-dorren-for-nya-samarbeten",
    # Virtue's date box before the title (`25` / `sep 2019`), then a meta row with no date under the
    # title in its header (`av Redaktionen | publicerat i: Dagbok | 0`): the row was taken for the text's
    # first line, outside the box of the title and the date, and the post had no date (exit 1).
    "virtue-date-box-before-title-byline-row": "ett-ar-med-portalen",
    # A housing company's news page (Bootstrap 3, an agency's theme): `Du är här:` before the trail, a
    # `Nyhet` label over the title, AddToAny's `Dela:` after the signature, then `Fler nyheter`, contact
    # details and the footer: the trail's last step was taken for the title, and the text ran on to the
    # cookie notice, its signature lost (exit 0).
    "housing-company-news-share-row-more-news": "fotbollsskolan-i-lina-hage-ar-fullbokad",
    # Share labels of older plugins: Simple Share Buttons Adder's `Dela detta…` after the signature (read
    # as text, and the post as unsigned); Jetpack's older `Dela det här:`, `Gilla det här:` and `Relaterat`
    # in Twenty Twelve, between the text and the entry footer with the date (no date, exit 1).
    "pinnacle-share-label-trails-off-after-signature": "fotbollsskola-pa-sommarlovet-en-ide-tar-form",
    "twentytwelve-jetpack-older-labels-footer-date": "bis-samlar-foreningslivet-i-boden",
}


def url_of(name: str) -> str:
    slug = PAGES[name]
    return SEED["url"] if slug is None else ROOT + slug + "/"


def expected(name: str) -> dict:
    """The post's fields; a page that adds to its text (an embedded post) gives what it changes in `<name>.json`."""
    slug = PAGES[name]
    fields = SEED if slug is None else POSTS[slug].expected(ROOT)
    changes = UNSEEN / f"{name}.json"
    return {**fields, **json.loads(changes.read_text(encoding="utf-8"))} if changes.exists() else fields


def read(name: str):
    url = url_of(name)
    capture = Capture(url=url, final_url=url, status=200, headers={"content-type": "text/html; charset=utf-8"},
                      body=(UNSEEN / f"{name}.html").read_bytes(), fetched=datetime(2020, 3, 1, tzinfo=timezone.utc))
    return capture, parse_document(capture)


@pytest.mark.parametrize("field", POST_FIELDS)
@pytest.mark.parametrize("name", PAGES)
def test_every_field_of_a_post_in_an_unseen_theme_is_exact(name, field, labs):
    _, document = read(name)
    post = extract_post(document, labs=labs)
    got = getattr(post, field)
    if field == "published":
        got = got.isoformat() if got else None
    assert got == expected(name)[field]


def without_theme_names(body: bytes) -> bytes:
    """The page with every `id`, `rel`, `itemprop` and `role` gone, and every class but the
    screen-reader ones: what is left is the tree's shape, its text and what a browser hides.
    An `id` one of the page's links leads to (`#easy-footnote-1-108`) or a toggle's `aria-controls`
    names stays: it is where the link goes or what the toggle shows, not a theme's name."""
    tree = etree.fromstring(body, etree.HTMLParser(encoding="utf-8"))
    targets = {href[1:] for href in tree.xpath("//a/@href") if href.startswith("#")}
    targets |= {name for names in tree.xpath("//@aria-controls") for name in names.split()}
    for element in tree.iter(etree.Element):
        for name in ("id", "rel", "itemprop", "role"):
            if name != "id" or element.get("id") not in targets:
                element.attrib.pop(name, None)
        kept = [token for token in element.get("class", "").split() if token in HIDDEN_CLASSES]
        if kept:
            element.set("class", " ".join(kept))
        else:
            element.attrib.pop("class", None)
    return etree.tostring(tree, encoding="utf-8", method="html")


@pytest.mark.parametrize("name", PAGES)
def test_an_unseen_theme_reads_the_same_without_its_class_names(name, labs):
    capture, document = read(name)
    stripped = replace(capture, body=without_theme_names(capture.body))
    classes = re.findall(rb' class="([^"]*)"', re.sub(rb"<!--.*?-->", b"", stripped.body, flags=re.S))  # not in comments
    assert all(set(value.decode().split()) <= HIDDEN_CLASSES for value in classes)  # (the stripping works)
    want = expected(name)
    post = extract_post(parse_document(stripped), labs=labs)
    got = {field: getattr(post, field) for field in POST_FIELDS}
    got["published"] = got["published"].isoformat() if got["published"] else None
    assert got == {field: want[field] for field in POST_FIELDS}


@pytest.mark.parametrize("name", PAGES)
def test_a_post_in_an_unseen_theme_is_classified_as_a_post(name):
    capture, document = read(name)
    assert classify(capture.url, site=ROOT, document=document) == PageKind.POST


def test_a_timestamp_glued_to_the_shown_date_is_read_as_two_dates():
    line = "Publicerad 2019-05-03T09:41:12+02:0029 april 2019 av Redaktionen"
    assert [found for _, _, found in search_dates(line)] == [date(2019, 5, 3), date(2019, 4, 29)]
    assert [found for _, _, found in search_dates("Vi ses 2019-05-03T09:41:12+02:0029 gånger")] == [date(2019, 5, 3)]
    line = "29 april 20192019-05-03T09:41:12+02:00 av Redaktionen"
    assert [found for _, _, found in search_dates(line)] == [date(2019, 4, 29), date(2019, 5, 3)]
    assert search_dates("Ärende 12019-05-03 och 29 april 20191") == []


TEXT = ["Idag samlades alla fyra labben i Stockholm för att dela erfarenheter från hösten och planera våren.",
        "Det blev en lång dag med många goda samtal, och vi gick hem med nya idéer om hur arbetet kan fortsätta.",
        "Nästa träff blir i Boden, där Bodenbo och BIS visar hur föreningsdagen ska bli ännu större i år."]


def page(meta_before: str = "", meta_after: str = "") -> bytes:
    paragraphs = "".join(f"<p>{t}</p>" for t in TEXT)
    return (f"<html><head><title>Alla labb på plats</title></head><body><h1>Alla labb på plats</h1>{meta_before}"
            f"<div>{paragraphs}<p>Anna Kanervo</p><p>projektansvarig</p></div>{meta_after}</body></html>").encode()


@pytest.mark.parametrize("meta", [
    '<div>Publicerad <span class="x">2019-05-03T09:41:12+02:00</span><span>29 april 2019</span> av Redaktionen</div>',
    '<div>Publicerad <span class="x">2019-05-03T09:41:12+02:00</span> <span>29 april 2019</span> av Redaktionen</div>',
    '<div>Publicerad <span>29 april 2019</span><span class="x">2019-05-03T09:41:12+02:00</span> av Redaktionen</div>',
])
def test_a_hidden_timestamp_next_to_the_shown_date_never_wins_over_it(meta, labs):
    url = SEED["url"]
    capture = Capture(url=url, final_url=url, status=200, headers={"content-type": "text/html; charset=utf-8"},
                      body=page(meta_before=meta), fetched=datetime(2020, 3, 1, tzinfo=timezone.utc))
    assert extract_post(parse_document(capture), labs=labs).published == date(2019, 4, 29)


def test_a_footer_date_followed_inline_by_the_categories_is_the_posts_date(labs):
    meta = ('<div><span>Publicerat den 7 november 2018</span> <span>Kategoriserad som <a href="/category/dagbok/">'
            'Dagbok</a></span> <span>Taggad Boden</span></div><div><b>Maria Lund</b> 8 november 2018 kl. 09:14</div>')
    url = SEED["url"]
    capture = Capture(url=url, final_url=url, status=200, headers={"content-type": "text/html; charset=utf-8"},
                      body=page(meta_after=meta), fetched=datetime(2020, 3, 1, tzinfo=timezone.utc))
    post = extract_post(parse_document(capture), labs=labs)
    assert (post.published, post.author, post.role) == (date(2018, 11, 7), "Anna Kanervo", "projektansvarig")
