{
 "StartAt": "A",
 "States": {
  "A": {
   "Type": "Pass",
   "End": true
  }
 },
 "QueryLanguage": "XPath"
}