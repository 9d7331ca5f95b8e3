{
 "StartAt": "A",
 "States": {
  "A": {
   "Type": "Pass",
   "Output": "{% 1 + 2",
   "End": true
  }
 },
 "QueryLanguage": "JSONata"
}