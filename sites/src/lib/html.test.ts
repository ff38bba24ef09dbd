import { describe, expect, it } from "vitest";
import { sanitizeRichText, serializeJsonLd } from "./html";

describe("sanitizeRichText", () => {
  it("removes scripts, styles and frames with their content", () => {
    const html = sanitizeRichText(
      '<p>Hi</p><script>alert("x")</script><style>p{}</style><iframe src="https://e.example"></iframe><noscript>n</noscript>',
    );
    expect(html).toBe("<p>Hi</p>");
  });

  it("removes event handlers, inline styles and unsafe URLs", () => {
    const html = sanitizeRichText(
      '<p onclick="steal()" style="color:red">a <a href="javascript:alert(1)">link</a> <a href="data:text/html,x">d</a></p><img src="x" onerror="alert(1)" alt="x">',
    );
    expect(html).toBe("<p>a link d</p>");
  });

  it("keeps structure, safe links and images, and marks images lazy", () => {
    const html = sanitizeRichText(
      '<h1>Title</h1><p><a href="/contact/">Call</a> <a href="tel:+441134960000">us</a></p><img src="https://cdn.example/a.jpg" alt="A van" width="10" height="5"><table><tr><th scope="col">x</th></tr></table>',
    );
    expect(html).toBe(
      '<h2>Title</h2><p><a href="/contact/">Call</a> <a href="tel:+441134960000">us</a></p><img src="https://cdn.example/a.jpg" alt="A van" width="10" height="5" loading="lazy" decoding="async" /><table><tr><th scope="col">x</th></tr></table>',
    );
  });

  it("makes links that open a new tab safe", () => {
    expect(sanitizeRichText('<a href="https://e.example" target="_blank">e</a>')).toBe(
      '<a href="https://e.example" target="_blank" rel="noopener noreferrer">e</a>',
    );
  });

  it("escapes text that looks like markup", () => {
    expect(sanitizeRichText("<p>1 &lt; 2 & <b>3</b></p>")).toBe("<p>1 &lt; 2 &amp; <b>3</b></p>");
  });
});

describe("serializeJsonLd", () => {
  it("cannot close the script element it is placed in", () => {
    const text = serializeJsonLd({ name: "</script><script>alert(1)</script>", and: "a & b" });
    expect(text).not.toMatch(/[<>&]/);
    expect(JSON.parse(text)).toEqual({ name: "</script><script>alert(1)</script>", and: "a & b" });
  });
});
