{
 "StartAt": "A",
 "States": {
  "A": {
   "Type": "Pass",
   "QueryLanguage": "JSONPath",
   "End": true
  }
 },
 "QueryLanguage": "JSONata"
}