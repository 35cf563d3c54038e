// gin 1.8.1 serving the Context features of tests/context_differential.rs: binding and
// validation, cookies, ClientIP, each render (YAML through gopkg.in/yaml.v2 2.4.0, of a struct
// and of nested maps), File, SSE, HTML templates, BasicAuth, multipart uploads, and the
// RemoveExtraSlash / UseRawPath options. The Rust side builds the same handlers on radix.
//
//	gin_context MODE FILES_DIR TEMPLATE_GLOB ADDR
//
// MODE: default | trust-loopback | trust-none | no-forward | extra-slash | raw-path |
// raw-path-escaped | switches (RedirectTrailingSlash off, RedirectFixedPath and
// HandleMethodNotAllowed on). Prints "listening on http://ADDR" once it serves.
//
// Built with a current Go, whose net/http serves c.File as radix does (servemux mirrors today's
// ServeContent), and today's GODEBUG defaults rather than GOPATH mode's old ones:

//go:debug default=go1.27
package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/validator/v10"
)

type Login struct {
	User     string `form:"user" json:"user" binding:"required,min=3"`
	Password string `form:"password" json:"password" binding:"required"`
}

type Page struct {
	Size int      `form:"size" json:"size" binding:"max=100"`
	Tag  []string `form:"tag" json:"tag"`
}

type Msg struct {
	Name string `yaml:"name"`
	N    int    `yaml:"count"`
}

// yamlDoc: a gin.H (a map, so go-yaml sorts its keys) holding a map with the query's random
// keys "k" (each value, in turn, the string s, a list, a nested map with an empty list and an
// empty map, and a struct), the float "f" and int "i" as ParseFloat and Atoi read them, an
// int-keyed map, an empty list, a nil and a list of strings.
func yamlDoc(c *gin.Context, s string) gin.H {
	f, _ := strconv.ParseFloat(c.Query("f"), 64)
	n, _ := strconv.Atoi(c.Query("i"))
	keys := map[string]interface{}{}
	for j, k := range c.QueryArray("k") {
		switch j % 4 {
		case 0:
			keys[k] = s
		case 1:
			keys[k] = []interface{}{s, n, f}
		case 2:
			keys[k] = map[string]interface{}{"inner": s, "list": []string{}, "map": map[string]int{}}
		default:
			keys[k] = Msg{Name: s, N: n}
		}
	}
	ints := map[int]string{n: s, -7: "minus seven", 10: "ten", 2: "two"}
	return gin.H{"keys": keys, "f": f, "n": n, "ints": ints, "empty": []int{},
		"none": nil, "strs": []string{s, c.Query("t")}}
}

// bindAnswer: the failed fields as "field:tag", sorted, or "decode" for any other error.
func bindAnswer(c *gin.Context, err error) {
	var verrs validator.ValidationErrors
	if errors.As(err, &verrs) {
		fields := []string{}
		for _, fe := range verrs {
			fields = append(fields, strings.ToLower(fe.Field())+":"+fe.Tag())
		}
		sort.Strings(fields)
		c.JSON(400, gin.H{"fields": fields})
		return
	}
	c.JSON(400, gin.H{"error": "decode"})
}

func build(mode, files, templates string) *gin.Engine {
	e := gin.New()
	switch mode {
	case "trust-loopback":
		e.SetTrustedProxies([]string{"127.0.0.1"})
	case "trust-none":
		e.SetTrustedProxies(nil)
	case "no-forward":
		e.ForwardedByClientIP = false
	case "extra-slash":
		e.RemoveExtraSlash = true
	case "raw-path":
		e.UseRawPath = true
	case "switches":
		e.RedirectTrailingSlash = false
		e.RedirectFixedPath = true
		e.HandleMethodNotAllowed = true
	case "raw-path-escaped":
		e.UseRawPath = true
		e.UnescapePathValues = false
	}
	e.LoadHTMLGlob(templates)

	e.POST("/bind/should", func(c *gin.Context) {
		var l Login
		if err := c.ShouldBind(&l); err != nil {
			bindAnswer(c, err)
			return
		}
		c.JSON(200, l)
	})
	e.POST("/bind/must", func(c *gin.Context) {
		var l Login
		if c.BindJSON(&l) == nil {
			c.JSON(200, l)
		}
	})
	e.GET("/bind/query", func(c *gin.Context) {
		var p Page
		if err := c.ShouldBindQuery(&p); err != nil {
			bindAnswer(c, err)
			return
		}
		c.JSON(200, p)
	})
	e.GET("/cookie", func(c *gin.Context) {
		seen, err := c.Cookie("session")
		if err != nil {
			seen = "none"
		}
		c.SetCookie("gin", c.Query("v"), 3600, "", "example.com", true, true)
		c.SetSameSite(2) // http.SameSiteLaxMode
		c.SetCookie("gone", "", -1, "/x", "", false, false)
		c.String(200, seen)
	})
	e.GET("/ip", func(c *gin.Context) {
		c.String(200, c.ClientIP())
	})
	e.GET("/render/:kind", func(c *gin.Context) {
		s := c.Query("s")
		m := Msg{Name: s, N: len(s)}
		h := gin.H{"s": s, "list": []int{1, 2}}
		switch c.Param("kind") {
		case "xml":
			c.XML(200, m)
		case "yaml":
			c.YAML(200, m)
		case "yaml-map":
			c.YAML(200, yamlDoc(c, s))
		case "json":
			c.JSON(200, h)
		case "indented":
			c.IndentedJSON(200, h)
		case "pure":
			c.PureJSON(200, h)
		case "secure":
			c.SecureJSON(200, []string{s, "x"})
		case "secure-object":
			c.SecureJSON(200, h)
		case "jsonp":
			c.JSONP(200, h)
		}
	})
	e.GET("/file/:name", func(c *gin.Context) {
		c.File(files + "/" + c.Param("name"))
	})
	e.GET("/sse", func(c *gin.Context) {
		n := 0
		c.Stream(func(w io.Writer) bool {
			n++
			c.SSEvent("tick", fmt.Sprintf("n=%d\n%s", n, c.Query("s")))
			if n == 2 {
				c.SSEvent("obj", gin.H{"n": n, "s": c.Query("s")})
			}
			return n < 3
		})
	})
	e.GET("/html", func(c *gin.Context) {
		c.HTML(200, "page.html", gin.H{"title": c.Query("s")})
	})
	admin := e.Group("/admin", gin.BasicAuth(gin.Accounts{"ann": "secret", "bob": "pw"}))
	admin.GET("/who", func(c *gin.Context) {
		c.String(200, c.MustGet(gin.AuthUserKey).(string))
	})
	e.GET("/user/:name", func(c *gin.Context) {
		c.String(200, "user "+c.Param("name"))
	})
	e.GET("/a/b", func(c *gin.Context) {
		c.String(200, "ab")
	})
	e.POST("/upload", func(c *gin.Context) {
		f, err := c.FormFile("file")
		if err != nil {
			c.String(400, "no file")
			return
		}
		src, err := f.Open()
		if err != nil {
			c.String(500, "open")
			return
		}
		defer src.Close()
		data, _ := io.ReadAll(src)
		c.String(200, "%s %d note=%s tags=%s\n%s", f.Filename, f.Size,
			c.DefaultPostForm("note", "-"), strings.Join(c.PostFormArray("tag"), ","), data)
	})
	return e
}

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: gin_context MODE FILES_DIR TEMPLATE_GLOB ADDR")
		os.Exit(2)
	}
	gin.SetMode(gin.ReleaseMode)
	e := build(os.Args[1], os.Args[2], os.Args[3])
	ln, err := net.Listen("tcp", os.Args[4])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	e.RunListener(ln)
}
