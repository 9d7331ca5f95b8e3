{
 "StartAt": "A",
 "States": {
  "A": {
   "Type": "Pass",
   "InputPath": "$.a",
   "End": true
  }
 },
 "QueryLanguage": "JSONata"
}