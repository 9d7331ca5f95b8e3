{"QueryLanguage":"JSONata","StartAt":"E","States":{"E":{"Type":"Pass","Output":{
 "bare":"{% phone %}",
 "path":"{% phone[0].number %}",
 "dollar":"{% $.phone %}",
 "root":"{% $$ %}",
 "two":"{% aaa + bbb + aaa %}",
 "key":"{% {aaa: 1} %}",
 "lambda":"{% $map($states.input.a, function($x){ b }) %}",
 "ok1":"{% $states.input.phone %}",
 "ok2":"{% $states.input.items[phone > 3].name %}",
 "ok3":"{% $map($states.input.a, function($x){ $x.phone }) %}",
 "ok4":"{% $phone & 'phone' %}",
 "ok5":"{% $states.input.items^(price).{name: price} %}",
 "ok6":"{% $states.input.a and $states.input.b or true in [1] %}",
 "ok7":"{% $states.input.a.$uppercase(name) %}"
},"End":true}}}
