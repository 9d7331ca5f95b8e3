{
 "StartAt": "A",
 "States": {
  "A": {
   "Type": "Pass",
   "Output": {
    "v": "{% 1 + %}"
   },
   "End": true
  }
 },
 "QueryLanguage": "JSONata"
}