// go-yaml v2 (gopkg.in/yaml.v2, Debian's 2.4.0, the version gin 1.8.1 renders c.YAML with)
// marshalling the values tests/yaml_differential.rs sends: one JSON document per input line,
// decoded with UseNumber (so integers stay integers) into interface{} values, marshalled with
// yaml.Marshal; each result is printed as one JSON string per line ("ERR ..." on an error).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"gopkg.in/yaml.v2"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		dec := json.NewDecoder(bytes.NewReader(in.Bytes()))
		dec.UseNumber()
		var v interface{}
		if err := dec.Decode(&v); err != nil {
			fmt.Fprintln(os.Stderr, "bad input line:", err)
			os.Exit(2)
		}
		text, err := yaml.Marshal(v)
		if err != nil {
			text = []byte("ERR " + err.Error())
		}
		line, _ := json.Marshal(string(text))
		out.Write(line)
		out.WriteByte('\n')
	}
}
