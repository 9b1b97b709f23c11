//! Hugo configuration and templates comparable to jiedu's default theme: a base layout with
//! header, breadcrumb and footer; list and single templates; clause, question, policy and
//! interpretation pages carrying the same links (what a Hugo user would write for this portal).

pub const CONFIG: &str = r##"baseURL = "https://example.org/"
locale = "zh-CN"
defaultContentLanguage = "zh"
title = "政策解读基准站点"
hasCJKLanguage = true
enableRobotsTXT = true
[params]
  publisher = "基准市人民政府"
  organizer = "基准市卫生健康委员会"
[[menus.main]]
  name = "领导干部解读"
  url = "/column/leader/"
[[menus.main]]
  name = "专家解读"
  url = "/column/expert/"
[[menus.main]]
  name = "文稿解读"
  url = "/column/document/"
[[menus.main]]
  name = "简明问答"
  url = "/column/qa/"
[[menus.main]]
  name = "一图读懂"
  url = "/column/infographic/"
[[menus.main]]
  name = "视频解读"
  url = "/column/video/"
[[menus.main]]
  name = "动漫解读"
  url = "/column/animation/"
[taxonomies]
  column = "column"
  unit = "unit"
[outputs]
  home = ["html", "rss"]
  section = ["html"]
  taxonomy = ["html"]
  term = ["html"]
  page = ["html"]
[markup.goldmark.parser.attribute]
  block = true
"##;

pub const LAYOUTS: [(&str, &str); 14] = [
    (
        "404.html",
        r##"{{ define "main" }}<h1>页面未找到</h1><p>您访问的页面不存在，请返回<a href="/">首页</a>或使用<a href="/search/">站内搜索</a>。</p>{{ end }}
"##,
    ),
    (
        "baseof.html",
        r##"<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} - {{ site.Title }}</title>
<meta name="SiteName" content="{{ site.Title }}">
<meta name="ArticleTitle" content="{{ .Title }}">
{{ with .Params.published }}<meta name="PubDate" content="{{ . }}">{{ end }}
<meta name="description" content="{{ with .Params.summary }}{{ . }}{{ else }}{{ .Title }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
<link rel="stylesheet" href="/static/jiedu.css">
</head>
<body>
{{ partial "header.html" . }}
{{ partial "breadcrumb.html" . }}
<main id="main" class="container">
{{ block "main" . }}{{ end }}
</main>
{{ partial "footer.html" . }}
</body>
</html>
"##,
    ),
    (
        "_partials/header.html",
        r##"<a class="skip" href="#main">跳到正文</a>
<header class="site-header"><div class="container">
<a class="site-name" href="/">{{ site.Title }}</a>
<nav aria-label="栏目导航"><ul>
{{ range site.Menus.main }}<li><a href="{{ .URL }}">{{ .Name }}</a></li>{{ end }}
<li><a href="/unit/">责任单位</a></li>
<li><a href="/search/">站内搜索</a></li>
<li><a href="/about/">关于本站</a></li>
</ul></nav>
</div></header>
"##,
    ),
    (
        "_partials/breadcrumb.html",
        r##"<nav class="breadcrumb container" aria-label="当前位置"><ol>
<li><a href="/">首页</a></li><li>政务公开</li>
{{ with .Parent }}{{ if not .IsHome }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}
<li aria-current="page">{{ .Title }}</li>
</ol></nav>
"##,
    ),
    (
        "_partials/footer.html",
        r##"<footer class="site-footer"><div class="container">
<p>主办单位：{{ site.Params.publisher }}　承办单位：{{ site.Params.organizer }}</p>
<p><a href="/sitemap.xml">网站地图</a> · <a href="/index.xml">订阅</a></p>
</div></footer>
"##,
    ),
    (
        "_partials/links.html",
        r##"{{ with .list }}<section class="{{ $.class }}"><h2>{{ $.title }}</h2><ul>
{{ range . }}<li><a href="{{ .href }}">{{ .text }}</a>{{ with .kind }} <span class="tag">{{ . }}</span>{{ end }}{{ with .excerpt }}<p>{{ . }}</p>{{ end }}</li>{{ end }}
</ul></section>{{ end }}
"##,
    ),
    (
        "home.html",
        r##"{{ define "main" }}
<h1>{{ site.Title }}</h1>
<section class="policies"><h2>政策文件</h2><ul>
{{ range site.Sections }}{{ if .Params.doc_number }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span>{{ .Params.doc_number }}</span></li>{{ end }}{{ end }}
</ul></section>
<section class="formats"><h2>解读形式</h2>
{{ range site.Taxonomies.column }}<h3><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a></h3><ul>
{{ range first 5 .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
</section>
{{ end }}
"##,
    ),
    (
        "list.html",
        r##"{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul class="list">
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Params.published }} <time>{{ . }}</time>{{ end }}{{ with .Params.summary }}<p>{{ . }}</p>{{ end }}</li>{{ end }}
</ul>
{{ end }}
"##,
    ),
    (
        "taxonomy.html",
        r##"{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="list">
{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> <span>{{ .Count }}</span></li>{{ end }}
</ul>
{{ end }}
"##,
    ),
    (
        "single.html",
        r##"{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
{{ with .Params.policy }}<p class="policy">所属政策：<a href="{{ .href }}">{{ .text }}</a></p>{{ end }}
{{ with .Params.author }}<aside class="author"><p>{{ .name }}　{{ .position }}</p><p>{{ .bio }}</p></aside>{{ end }}
{{ with .Params.media }}<video controls preload="none" poster="{{ .poster }}"><source src="{{ .src }}" type="video/mp4"><track kind="captions" srclang="zh-CN" src="{{ .captions }}" default></video>{{ end }}
{{ with .TableOfContents }}<nav class="toc" aria-label="目录">{{ . }}</nav>{{ end }}
<div class="body">{{ .Content }}</div>
{{ range $i, $p := .Params.panels }}<section class="panel" id="panel-{{ add $i 1 }}"><h2>{{ $p.heading }}</h2><p class="figure">{{ $p.figure }}{{ $p.unit }}</p><p>{{ $p.text }}</p></section>{{ end }}
{{ partial "links.html" (dict "list" .Params.cites "title" "依据条款" "class" "cites") }}
{{ partial "links.html" (dict "list" .Params.siblings "title" "其他解读形式" "class" "siblings") }}
</article>
{{ end }}
"##,
    ),
    (
        "clause.html",
        r##"{{ define "main" }}
<article class="clause">
<p class="policy"><a href="{{ .Params.policy.href }}">{{ .Params.policy.text }}</a></p>
<h1>{{ .Title }}</h1>
<div class="clause-text">{{ .Content }}</div>
<p><a href="{{ .Params.full_text }}">在政策原文中查看</a></p>
<section class="units"><h2>责任单位</h2><ul>
{{ range .GetTerms "unit" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}
</ul></section>
{{ partial "links.html" (dict "list" .Params.passages "title" "解读中的相关内容" "class" "passages") }}
<nav class="pager">{{ with .Params.prev }}<a rel="prev" href="{{ .href }}">{{ .text }}</a>{{ end }}{{ with .Params.next }}<a rel="next" href="{{ .href }}">{{ .text }}</a>{{ end }}</nav>
</article>
{{ end }}
"##,
    ),
    (
        "question.html",
        r##"{{ define "main" }}
<article class="question">
<p class="policy"><a href="{{ .Params.policy.href }}">{{ .Params.policy.text }}</a> · <a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></p>
<h1>{{ .Title }}</h1>
<div class="answer">{{ .Content }}</div>
{{ partial "links.html" (dict "list" .Params.cites "title" "依据条款" "class" "cites") }}
<nav class="pager">{{ with .Params.prev }}<a rel="prev" href="{{ .href }}">{{ .text }}</a>{{ end }}{{ with .Params.next }}<a rel="next" href="{{ .href }}">{{ .text }}</a>{{ end }}</nav>
</article>
{{ end }}
"##,
    ),
    (
        "policy.html",
        r##"{{ define "main" }}
<article class="policy-text">
<h1>{{ .Title }}</h1>
<dl class="meta"><dt>文号</dt><dd>{{ .Params.doc_number }}</dd><dt>发文机关</dt><dd>{{ .Params.issuer }}</dd><dt>成文日期</dt><dd>{{ .Params.signed }}</dd></dl>
{{ with .TableOfContents }}<nav class="toc" aria-label="目录">{{ . }}</nav>{{ end }}
<div class="body">{{ .Content }}</div>
</article>
<section class="interpretations"><h2>政策解读</h2><ul>
{{ range .Pages }}{{ if .Params.column }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}
</ul></section>
<section class="clauses"><h2>任务条款</h2><ul>
{{ range .RegularPages }}{{ if eq .Layout "clause" }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}
</ul></section>
{{ end }}
"##,
    ),
    (
        "qa.html",
        r##"{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<div class="body">{{ .Content }}</div>
{{ range .Pages.GroupByParam "topic" }}<section class="topic"><h2>{{ .Key }}</h2><ol>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol></section>{{ end }}
</article>
{{ end }}
"##,
    ),
];
