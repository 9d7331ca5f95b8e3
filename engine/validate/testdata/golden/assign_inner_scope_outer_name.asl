{"QueryLanguage":"JSONata","StartAt":"Get","States":{
 "Get":{"Type":"Pass","Assign":{"outer":"hello"},"Next":"Map"},
 "Map":{"Type":"Map","Assign":{"outer":2},"ItemProcessor":{"StartAt":"Begin","States":{
   "Begin":{"Type":"Pass","Assign":{"inner":"world","hi":"{% $outer %}","outer":3},"Next":"Par"},
   "Par":{"Type":"Parallel","Branches":[
     {"StartAt":"B1","States":{"B1":{"Type":"Pass","Assign":{"hi":1,"sib":1},"End":true}}},
     {"StartAt":"B2","States":{"B2":{"Type":"Pass","Assign":{"sib":2},"End":true}}}],"End":true}}},
  "Next":"Bye"},
 "Bye":{"Type":"Succeed","Output":"{% $outer %}"}}}
