"""Checks run inside a page by the browser tests: WCAG AA contrast of every visible button and
link, and English words left over from Django, unfold or simple-history."""

# Relative luminance and contrast ratio (WCAG 2.x); the effective background is found by walking
# up the ancestors until an opaque background colour, blending the translucent ones on the way.
CONTRAST_JS = r"""
() => {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const blend = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const background = (el) => {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg && bg.a > 0) { layers.push(bg); if (bg.a >= 1) break; }
    }
    let colour = {r: 255, g: 255, b: 255, a: 1};
    for (let i = layers.length - 1; i >= 0; i--) colour = blend(layers[i], colour);
    return colour;
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const out = [];
  for (const el of document.querySelectorAll("a, button, input[type=submit], .button")) {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.visibility === "hidden" || style.display === "none" || box.width < 2 || box.height < 2) continue;
    if (el.closest(".visually-hidden, [hidden]") || el.classList.contains("skip-link")) continue;
    if (!(el.innerText || el.value || "").trim()) continue;
    const bg = background(el);
    const fg = blend(parse(style.color), bg);
    const size = parseFloat(style.fontSize);
    const bold = parseInt(style.fontWeight, 10) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    const needed = large ? 3 : 4.5;
    const value = ratio(fg, bg);
    if (value < needed) out.push({text: (el.innerText || el.value).trim().slice(0, 60), ratio: Math.round(value * 100) / 100, needed, color: style.color});
  }
  return out;
}
"""

# English left on a page by Django, unfold, simple-history or import-export (issue 19). Whole
# words or phrases, matched in the page's visible text and in the attributes a screen reader or
# a tooltip shows (title, aria-label, placeholder, value of buttons).
ENGLISH_LEFTOVERS = [
    "Not Found", "Forbidden", "Server Error", "Bad Request", "Choose file to upload", "Welcome back to",
    "Return to site", "Deleted", "None", "Raw passwords", "this form", "Date/time", "Changed by",
    "Change reason", "Changes", "Object", "Comment", "Search apps", "Toggle", "Select all", "Log out",
    "View site", "Submit", "Save and", "Delete", "History", "Filters", "Apply", "Reset", "Search",
    "Export", "Import", "Welcome", "Required", "Required field", "Username", "Password", "Add ",
    "CSRF verification failed", "The requested resource", "is not a valid", "Enter a valid",
    "This field", "Previous", "Next", "No results", "Light", "Dark", "System", "Theme",
    # Found walking each role's screens (user form, scroll areas of every unfold page).
    "After you", "user options", "scrollable content", "Choose", "Upload", "Download", "Preview",
    "Confirm import", "Import finished", "Skip", "Errors", "Line number", "Close", "Show", "Hide",
    "Go", "Yes", "Home", "Logout", "Sign in", "Password change",
]

LEFTOVERS_JS = r"""
(words) => {
  const texts = [document.body.innerText];
  for (const el of document.querySelectorAll("[title], [aria-label], [placeholder], input[type=submit], input[type=button]")) {
    if (el.closest("[hidden]")) continue;
    for (const name of ["title", "aria-label", "placeholder"]) if (el.getAttribute(name)) texts.push(el.getAttribute(name));
    if (el.matches("input[type=submit], input[type=button]")) texts.push(el.value);
  }
  const found = new Set();
  for (const text of texts) {
    for (const word of words) {
      const pattern = new RegExp("(^|[^\\p{L}])" + word.trim().replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "($|[^\\p{L}])", "u");
      if (pattern.test(text)) found.add(word.trim());
    }
  }
  return [...found];
}
"""


def low_contrast(page):
    # After a click the next document may be committed but not parsed yet (no body):
    # check the page the user will actually see.
    page.wait_for_load_state()
    return page.evaluate(CONTRAST_JS)


def english_leftovers(page, allowed=()):
    page.wait_for_load_state()
    return [word for word in page.evaluate(LEFTOVERS_JS, ENGLISH_LEFTOVERS) if word not in allowed]
